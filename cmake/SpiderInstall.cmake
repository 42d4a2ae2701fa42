# The CMake package `cmake --install` writes to lib/cmake/Spider/, so that another project can
#     find_package(Spider 0.1 REQUIRED)
#     spider_add_executable(quotes quotes.spider)
# It holds Spider::runtime (libspider_runtime.a, its headers, its link dependencies),
# Spider::spiderc (when the compiler is built) and spider_add_executable().
#
# Included once, at the end of the top-level CMakeLists.txt, when every runtime layer has
# added its link dependencies to spider_runtime.
include(CMakePackageConfigHelpers)

set(SPIDER_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Spider)

# pkg-config modules behind the runtime's PkgConfig::NAME targets (pkg_check_modules does
# not record a target's module). A target missing here is recreated from the paths found
# at this configure time instead, which works on a machine like this one.
set(spider_pkgconfig_module_PCRE2 libpcre2-8)
set(spider_pkgconfig_module_IDN2 libidn2)
set(spider_pkgconfig_module_HIREDIS hiredis)

# The exported Spider::runtime names its dependencies' imported targets (CURL::libcurl,
# LibXml2::LibXml2, PkgConfig::PCRE2, ...); the package must recreate each one before
# loading SpiderTargets.cmake. This turns spider_runtime's link interface into those calls.
function(spider_dependency_calls out)
    get_target_property(items spider_runtime INTERFACE_LINK_LIBRARIES)
    set(calls "")
    set(done)
    foreach(item IN LISTS items)
        if(item MATCHES "^\\$<LINK_ONLY:(.*)>$")
            set(item "${CMAKE_MATCH_1}")
        endif()
        # A plain library name or flag is exported as it is; "::@(...)" items are CMake's
        # own markers for links made from another directory.
        if(NOT item MATCHES "::" OR item MATCHES "^::@" OR item IN_LIST done)
            continue()
        endif()
        list(APPEND done "${item}")
        string(REGEX REPLACE "::.*$" "" namespace "${item}")
        string(REGEX REPLACE "^.*::" "" name "${item}")
        set(package "")
        if(namespace STREQUAL "Threads")
            set(package Threads)
        elseif(namespace STREQUAL "CURL")
            set(package CURL)
        elseif(namespace STREQUAL "OpenSSL")
            set(package OpenSSL)
        elseif(namespace STREQUAL "LibXml2")
            set(package LibXml2)
        elseif(namespace STREQUAL "SQLite")
            set(package SQLite3)
        endif()
        if(package)
            if(NOT "find_dependency(${package})" IN_LIST done)
                list(APPEND done "find_dependency(${package})")
                string(APPEND calls "find_dependency(${package})\n")
            endif()
        elseif(namespace STREQUAL "PkgConfig" AND DEFINED spider_pkgconfig_module_${name})
            if(NOT "find_dependency(PkgConfig)" IN_LIST done)
                list(APPEND done "find_dependency(PkgConfig)")
                string(APPEND calls "find_dependency(PkgConfig)\n")
            endif()
            string(APPEND calls
                "if(NOT TARGET ${item})\n"
                "    pkg_check_modules(${name} QUIET IMPORTED_TARGET ${spider_pkgconfig_module_${name}})\n"
                "    if(NOT ${name}_FOUND)\n"
                "        set(Spider_FOUND FALSE)\n"
                "        set(Spider_NOT_FOUND_MESSAGE \"Spider needs the pkg-config module "
                "${spider_pkgconfig_module_${name}}\")\n"
                "        return()\n"
                "    endif()\n"
                "endif()\n")
        elseif(TARGET ${item})
            string(APPEND calls
                "if(NOT TARGET ${item})\n"
                "    add_library(${item} INTERFACE IMPORTED)\n")
            foreach(property INTERFACE_LINK_LIBRARIES INTERFACE_INCLUDE_DIRECTORIES
                             INTERFACE_COMPILE_OPTIONS)
                get_target_property(value ${item} ${property})
                if(value)
                    string(APPEND calls
                        "    set_property(TARGET ${item} PROPERTY ${property} \"${value}\")\n")
                endif()
            endforeach()
            string(APPEND calls "endif()\n")
        else()
            message(WARNING "Spider package: no way to recreate the runtime's dependency "
                            "${item} for installed consumers (cmake/SpiderInstall.cmake)")
        endif()
    endforeach()
    set(${out} "${calls}" PARENT_SCOPE)
endfunction()

spider_dependency_calls(SPIDER_FIND_DEPENDENCIES)

install(EXPORT SpiderTargets NAMESPACE Spider:: DESTINATION ${SPIDER_INSTALL_CMAKEDIR}
        FILE SpiderTargets.cmake)
configure_package_config_file(
    ${PROJECT_SOURCE_DIR}/cmake/SpiderConfig.cmake.in
    ${PROJECT_BINARY_DIR}/cmake/SpiderConfig.cmake
    INSTALL_DESTINATION ${SPIDER_INSTALL_CMAKEDIR})
# 0.x: a new minor version may break the package's users.
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/cmake/SpiderConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/SpiderConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/SpiderConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/SpiderAddExecutable.cmake
        DESTINATION ${SPIDER_INSTALL_CMAKEDIR})
