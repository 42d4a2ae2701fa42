# spiderc_llvm: libclang-cpp and libLLVM from Debian's llvm-14 packages, for the two stages
# that use Clang (format/ and verify/). Found directly rather than through
# find_package(Clang), whose LLVMConfig runs C compiler checks in this C++-only project.
# Sets SPIDERC_CLANG_RESOURCE_DIR (the builtin headers a libTooling run needs).
include_guard(GLOBAL)

set(SPIDERC_LLVM_ROOT /usr/lib/llvm-14 CACHE PATH "The LLVM/Clang 14 installation")
find_library(SPIDERC_CLANG_CPP clang-cpp PATHS ${SPIDERC_LLVM_ROOT}/lib NO_DEFAULT_PATH REQUIRED)
find_library(SPIDERC_LIBLLVM NAMES LLVM LLVM-14 PATHS ${SPIDERC_LLVM_ROOT}/lib NO_DEFAULT_PATH
             REQUIRED)
file(GLOB SPIDERC_CLANG_RESOURCE_DIR LIST_DIRECTORIES true ${SPIDERC_LLVM_ROOT}/lib/clang/*)
list(GET SPIDERC_CLANG_RESOURCE_DIR 0 SPIDERC_CLANG_RESOURCE_DIR)
set(SPIDERC_CLANG_RESOURCE_DIR ${SPIDERC_CLANG_RESOURCE_DIR} CACHE INTERNAL "")

add_library(spiderc_llvm INTERFACE)
target_include_directories(spiderc_llvm SYSTEM INTERFACE ${SPIDERC_LLVM_ROOT}/include)
target_link_libraries(spiderc_llvm INTERFACE ${SPIDERC_CLANG_CPP} ${SPIDERC_LIBLLVM})
