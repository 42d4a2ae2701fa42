#include "build/build.h"

#include "build/build_config.h"
#include "build/process.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace spiderc::build {
namespace {

namespace fs = std::filesystem;

// FNV-1a, 64 bits, twice with different offsets: 128 bits of key. Not cryptographic; the
// cache only has to tell honest inputs apart.
std::string contentHash(std::string_view text) {
    auto fnv = [&](std::uint64_t h) {
        for (unsigned char c : text) {
            h ^= c;
            h *= 0x100000001b3ULL;
        }
        return h;
    };
    char buffer[33];
    std::snprintf(buffer, sizeof buffer, "%016llx%016llx",
                  static_cast<unsigned long long>(fnv(0xcbf29ce484222325ULL)),
                  static_cast<unsigned long long>(fnv(0x84222325cbf29ce4ULL)));
    return buffer;
}

// A file's identity for the cache key: path, size and modification time.
std::string fileIdentity(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) return path + ":missing";
    const auto mtime = fs::last_write_time(path, ec).time_since_epoch().count();
    return path + ":" + std::to_string(size) + ":" + std::to_string(mtime);
}

// `program` as a path: itself when it contains '/', else the first match in PATH.
std::string resolveProgram(const std::string& program) {
    if (program.find('/') != std::string::npos) return program;
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return program;
}

std::string selfDirectory() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : self.parent_path().string();
}

bool writeFile(const std::string& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return static_cast<bool>(out);
}

// The cached executable's size and modification time, recorded next to it when the entry is
// made: outputs are hard links to the cached file, so a program that rewrites an output in
// place (rather than replacing it) rewrites the cache entry too; a changed identity turns
// the entry into a miss instead of handing out the rewritten file.
std::string executableStamp(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) return {};
    const auto mtime = fs::last_write_time(path, ec).time_since_epoch().count();
    if (ec) return {};
    return std::to_string(size) + " " + std::to_string(mtime) + "\n";
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// `to` becomes the cached executable `from`: a hard link when both are on one file system
// (a crawler with libxml2 and ICU linked in is ~35 MB; copying it would be most of a warm
// build's time), else a copy.
bool placeExecutable(const std::string& from, const std::string& to, std::string& error) {
    std::error_code ec;
    fs::remove(to, ec); // a running old binary keeps its inode
    fs::create_hard_link(from, to, ec);
    if (!ec) return true;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) {
        error = "cannot write '" + to + "': " + ec.message();
        return false;
    }
    return true;
}

} // namespace

std::string defaultCacheDir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
        return std::string(xdg) + "/spiderc";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
        return std::string(home) + "/.cache/spiderc";
    }
    return "/tmp/spiderc-cache";
}

RuntimeLocation locateRuntime() {
    const ConfiguredToolchain& config = configuredToolchain();
    RuntimeLocation location;
    std::error_code ec;
    // An installed runtime next to the executable wins: that is the tree spiderc was
    // installed with, even when the prefix happens to lie inside the build tree (the
    // install test puts it there). Otherwise the build tree's runtime: spiderc running
    // from its build directory, a test linking the build library, or a copied spiderc.
    const std::string self = selfDirectory();
    if (!self.empty()) {
        location.include = (fs::path(self) / config.installInclude).lexically_normal().string();
        location.library = (fs::path(self) / config.installLibrary).lexically_normal().string();
    }
    const bool installed = !self.empty() && fs::exists(location.library, ec) &&
                           fs::exists(fs::path(location.include) / "dsl" / "dsl.h", ec);
    if (!installed && (self.empty() || fs::exists(config.buildLibrary, ec) ||
                       self.rfind(config.buildTree + "/", 0) == 0)) {
        location.include = config.buildInclude;
        location.library = config.buildLibrary;
    }
    if (!fs::exists(location.library, ec)) {
        location.problem = "the spider runtime library is missing: " + location.library;
    } else if (!fs::exists(fs::path(location.include) / "dsl" / "dsl.h", ec)) {
        location.problem = "the spider runtime headers are missing: " + location.include;
    }
    return location;
}

std::vector<std::string> compileCommand(const std::string& cxx, const std::string& optimization,
                                        const RuntimeLocation& runtime,
                                        const std::string& cppPath,
                                        const std::string& executable) {
    std::vector<std::string> argv{cxx, "-std=c++20", optimization};
    // -O0 is for debugging (with -g); otherwise the runtime's debug info is left out of the
    // executable (-Wl,-S): a tenth of the size of the code.
    argv.push_back(optimization == "-O0" ? "-g" : "-Wl,-S");
    argv.insert(argv.end(), {"-I" + runtime.include, "-o", executable, cppPath, runtime.library});
    for (const std::string& lib : configuredToolchain().linkLibraries) argv.push_back(lib);
    return argv;
}

std::optional<CompilerError> firstCompilerError(std::string_view output) {
    std::size_t start = 0;
    while (start < output.size()) {
        std::size_t end = output.find('\n', start);
        if (end == std::string_view::npos) end = output.size();
        const std::string_view line = output.substr(start, end - start);
        start = end + 1;
        const std::size_t marker = line.find(": error: ");
        const std::size_t fatal = line.find(": fatal error: ");
        const std::size_t at = marker != std::string_view::npos ? marker : fatal;
        if (at == std::string_view::npos) continue;
        CompilerError error;
        error.message = std::string(line.substr(line.find("error: ", at) + 7));
        // file:line:col before the marker; the file may contain ':'.
        std::string_view where = line.substr(0, at);
        const std::size_t c2 = where.rfind(':');
        const std::size_t c1 = c2 == std::string_view::npos ? c2 : where.rfind(':', c2 - 1);
        if (c1 != std::string_view::npos) {
            error.file = std::string(where.substr(0, c1));
            error.line = static_cast<unsigned>(std::strtoul(std::string(where.substr(c1 + 1, c2 - c1 - 1)).c_str(), nullptr, 10));
            error.column = static_cast<unsigned>(std::strtoul(std::string(where.substr(c2 + 1)).c_str(), nullptr, 10));
        } else {
            error.file = std::string(where);
        }
        return error;
    }
    return std::nullopt;
}

BuildOutcome buildCrawler(const BuildRequest& request) {
    BuildOutcome outcome;
    const ConfiguredToolchain& config = configuredToolchain();
    std::string cxx = request.cxx;
    if (cxx.empty()) {
        const char* env = std::getenv("CXX");
        cxx = env != nullptr && env[0] != '\0' ? env : config.cxx;
    }
    const std::string cxxPath = resolveProgram(cxx);
    const RuntimeLocation runtime = locateRuntime();
    if (!runtime.problem.empty()) {
        outcome.error = runtime.problem;
        return outcome;
    }
    const std::string stem = request.stem.empty() ? std::string("crawler") : request.stem;

    std::string keyText = "spiderc " + config.version + "\n" + request.optimization + "\n" +
                          fileIdentity(cxxPath) + "\n" + fileIdentity(runtime.library) + "\n" +
                          runtime.include + "\n";
    for (const std::string& lib : config.linkLibraries) keyText += lib + "\n";
    keyText += request.cppCode;
    const std::string key = contentHash(keyText);

    const fs::path cacheDir = request.cacheDir.empty() ? defaultCacheDir() : request.cacheDir;
    const fs::path entry = cacheDir / key;
    outcome.executable = (entry / stem).string();
    outcome.cppPath = (entry / (stem + ".cpp")).string();
    const std::string stampPath = (entry / (stem + ".stamp")).string();
    std::error_code ec;
    if (fs::exists(outcome.executable, ec)) {
        const std::string stamp = executableStamp(outcome.executable);
        if (!stamp.empty() && stamp == readFile(stampPath)) {
            outcome.cacheHit = true;
        } else {
            fs::remove_all(entry, ec); // rewritten through an output's hard link: rebuild
        }
    }
    if (!outcome.cacheHit) {
        fs::create_directories(cacheDir, ec);
        if (ec) {
            outcome.error = "cannot create the cache directory '" + cacheDir.string() +
                            "': " + ec.message();
            return outcome;
        }
        const fs::path temp = cacheDir / (key + ".tmp." + std::to_string(getpid()));
        fs::remove_all(temp, ec);
        fs::create_directories(temp, ec);
        const std::string cpp = (temp / (stem + ".cpp")).string();
        const std::string exe = (temp / stem).string();
        if (!writeFile(cpp, request.cppCode)) {
            outcome.error = "cannot write '" + cpp + "'";
            return outcome;
        }
        const ProcessResult result =
            runCaptured(compileCommand(cxxPath, request.optimization, runtime, cpp, exe));
        if (!result.started) {
            outcome.error = result.output;
            fs::remove_all(temp, ec);
            return outcome;
        }
        if (result.exitCode != 0) {
            // Keep the C++ where the user can look at it; the entry never becomes valid.
            const fs::path failed = cacheDir / (key + ".failed");
            fs::remove_all(failed, ec);
            fs::rename(temp, failed, ec);
            outcome.cppPath = (failed / (stem + ".cpp")).string();
            outcome.compileFailed = true;
            outcome.compilerOutput = result.output;
            outcome.error = "the C++ compiler failed (exit status " +
                            std::to_string(result.exitCode) + ")";
            return outcome;
        }
        if (!writeFile((temp / (stem + ".stamp")).string(), executableStamp(exe))) {
            outcome.error = "cannot write the cache entry '" + temp.string() + "'";
            fs::remove_all(temp, ec);
            return outcome;
        }
        fs::rename(temp, entry, ec);
        if (ec && !fs::exists(outcome.executable)) {
            outcome.error = "cannot fill the cache entry '" + entry.string() + "': " + ec.message();
            fs::remove_all(temp, ec);
            return outcome;
        }
        fs::remove_all(temp, ec); // another build won the race: use its entry
    }
    if (!request.output.empty() &&
        !placeExecutable(outcome.executable, request.output, outcome.error)) {
        return outcome;
    }
    outcome.ok = true;
    return outcome;
}

} // namespace spiderc::build
