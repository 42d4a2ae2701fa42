# Warning flags for the project's own code (never for ANTLR's generated sources).
function(spider_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
    if(SPIDER_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
