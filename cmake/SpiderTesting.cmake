# spider_add_test(NAME SOURCES a_test.cpp ... [LIBS lib ...] [LABELS label ...])
# Builds one Catch2 test executable and registers each TEST_CASE as its own ctest test.
# Every test binary shares one Catch2 main (tests/catch_main.cpp) compiled once.
function(spider_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE spider_catch_main ${ARG_LIBS})
    spider_set_warnings(${name})
    if(ARG_LABELS)
        catch_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES LABELS "${ARG_LABELS}")
    else()
        catch_discover_tests(${name} TEST_PREFIX "${name}: ")
    endif()
endfunction()
