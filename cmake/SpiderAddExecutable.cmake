# spider_add_executable(TARGET FILE.spider [SOURCES extra.cpp ...] [NO_LINE_DIRECTIVES] [VERIFY])
#
# A crawler executable TARGET from FILE.spider, built by the user's own CMake toolchain:
# at build time `spiderc emit` turns FILE.spider into C++ (re-run whenever FILE.spider or
# spiderc changes), which is compiled with the project's compiler and flags and linked with
# Spider::runtime. The result takes the same command line as `spiderc build`'s crawlers.
#
#   SOURCES             more C++ files to compile into TARGET
#   NO_LINE_DIRECTIVES  leave out the `#line` directives that point the C++ compiler's
#                       errors and the debugger at FILE.spider
#   VERIFY              also run spiderc's Clang syntax-only check while emitting
#
# The generated C++ is <binary dir>/spider_generated/TARGET/<name>.cpp. Set the cache
# variable SPIDERC_EXECUTABLE to use another spiderc than the package's Spider::spiderc.
# Shipped in the installed package (lib/cmake/Spider/), loaded by SpiderConfig.cmake.
include_guard(GLOBAL)

set(SPIDERC_EXECUTABLE "" CACHE FILEPATH
    "The spiderc that spider_add_executable runs (empty: the package's Spider::spiderc)")

function(spider_add_executable target spider_file)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "NO_LINE_DIRECTIVES;VERIFY" "" "SOURCES")
    if(ARG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "spider_add_executable(${target}): unknown arguments "
                            "${ARG_UNPARSED_ARGUMENTS}")
    endif()
    if(SPIDERC_EXECUTABLE)
        set(spiderc "${SPIDERC_EXECUTABLE}")
        set(spiderc_file "${SPIDERC_EXECUTABLE}")
    elseif(TARGET Spider::spiderc)
        set(spiderc Spider::spiderc)
        set(spiderc_file "$<TARGET_FILE:Spider::spiderc>")
    else()
        message(FATAL_ERROR "spider_add_executable(${target}): this Spider package has no "
                            "spiderc; set SPIDERC_EXECUTABLE")
    endif()

    get_filename_component(source "${spider_file}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(stem "${source}" NAME_WE)
    set(cpp "${CMAKE_CURRENT_BINARY_DIR}/spider_generated/${target}/${stem}.cpp")
    set(options)
    if(ARG_NO_LINE_DIRECTIVES)
        list(APPEND options --no-line-directives)
    endif()
    if(ARG_VERIFY)
        list(APPEND options --verify)
    endif()

    add_custom_command(
        OUTPUT "${cpp}"
        COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_CURRENT_BINARY_DIR}/spider_generated/${target}"
        COMMAND ${spiderc} emit ${options} -o "${cpp}" "${source}"
        DEPENDS "${source}" "${spiderc_file}"
        COMMENT "spiderc: ${spider_file} -> ${stem}.cpp"
        VERBATIM)
    add_executable(${target} "${cpp}" ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE Spider::runtime)
    target_compile_features(${target} PRIVATE cxx_std_20)
endfunction()
