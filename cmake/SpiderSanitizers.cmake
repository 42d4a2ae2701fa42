# SPIDER_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer.
# scripts/test uses it for a second, -O0 build of the runtime and its tests.
if(SPIDER_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
