#pragma once
// What spiderc knows about the toolchain it was configured with, generated at configure
// time (compiler/build/CMakeLists.txt writes build_config.cpp): the C++ compiler, and where
// the runtime's headers and library are in the build tree and, relative to the spiderc
// executable, in an installed tree.
#include <string>
#include <vector>

namespace spiderc::build {

struct ConfiguredToolchain {
    std::string version;         // spiderc's version (part of the cache key)
    std::string cxx;             // CMAKE_CXX_COMPILER
    std::string buildTree;       // the CMake binary dir spiderc was built in
    std::string buildInclude;    // runtime/ in the source tree
    std::string buildLibrary;    // libspider_runtime.a in the build tree
    std::string installInclude;  // relative to the directory of the spiderc executable
    std::string installLibrary;  // likewise
    std::vector<std::string> linkLibraries; // the runtime's own dependencies, resolved
};

const ConfiguredToolchain& configuredToolchain();

} // namespace spiderc::build
