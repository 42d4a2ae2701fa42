#include "commands/commands.h"

#include "build/build.h"
#include "build/process.h"
#include "codegen/codegen.h"
#include "codegen/line_markers.h"
#include "diagnostics/render.h"
#include "format/format.h"
#include "frontend/frontend.h"
#include "lower/plan.h"
#include "sema/sema.h"
#include "verify/verify.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>

namespace spiderc::commands {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kEmitUsage = R"(usage: spiderc emit [options] FILE

Checks FILE and prints the C++ it compiles to.

options:
  -o OUT.cpp               write the C++ to OUT.cpp instead of stdout
  --no-line-directives     leave out the `#line N "FILE"` directives
  --verify                 also run a Clang syntax-only pass over the C++
  --help                   show this help

Exit status: 0 success, 1 errors in FILE, 2 usage error, 3 internal error.
)";

constexpr std::string_view kBuildUsage = R"(usage: spiderc build [options] FILE

Checks FILE, compiles it to C++ and builds a crawler executable (cached by content).

options:
  -o EXE                   the executable (default: FILE's name without .spider)
  -O0 | -O2                optimisation (default -O2; -O0 adds debug info)
  --cxx=COMPILER           the C++ compiler (default: $CXX, else the configured one)
  --cache-dir=DIR          the build cache (default: $XDG_CACHE_HOME/spiderc, else
                           ~/.cache/spiderc)
  --help                   show this help

Exit status: 0 success, 1 errors in FILE or a failed build, 2 usage error, 3 internal error.
)";

constexpr std::string_view kRunUsage = R"(usage: spiderc run [options] FILE [-- CRAWLER-ARGS...]

Builds FILE (cached) and runs the crawler with CRAWLER-ARGS (-a NAME=VALUE, -o FILE, ...).

options:
  -O0 | -O2                optimisation (default -O2)
  --cxx=COMPILER           the C++ compiler (default: $CXX, else the configured one)
  --cache-dir=DIR          the build cache (default: $XDG_CACHE_HOME/spiderc, else
                           ~/.cache/spiderc)
  --help                   show this help

Exit status: the crawler's; 1 errors in FILE or a failed build, 2 usage error, 3 internal
error.
)";

int usageError(std::ostream& err, const std::string& message, std::string_view command) {
    err << "spiderc: " << message << '\n'
        << "Try 'spiderc " << command << " --help' for more information.\n";
    return kExitUsage;
}

bool readSource(const std::string& path, std::string& text, std::string& error) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        error = "cannot read '" + path + "': no such file";
        return false;
    }
    if (fs::is_directory(status)) {
        error = "cannot read '" + path + "': it is a directory";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read '" + path + "': " + std::strerror(errno);
        return false;
    }
    text.clear();
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > frontend::kMaxSourceBytes) {
            error = "cannot read '" + path + "': larger than the limit of " +
                    std::to_string(frontend::kMaxSourceBytes / (1024 * 1024)) + " MiB";
            return false;
        }
    }
    return true;
}

std::string stemOf(const std::string& path) {
    std::string stem = fs::path(path).stem().string();
    return stem.empty() ? std::string("crawler") : stem;
}

// The file's C++ (or the diagnostics that stop it), with the errors printed to `err`.
bool compileFile(const std::string& path, bool lineDirectives, const std::string& cppName,
                 bool colour, std::string& cpp, std::ostream& err) {
    std::string text;
    std::string error;
    if (!readSource(path, text, error)) {
        err << (colour ? "\x1b[1;31merror:\x1b[0m " : "error: ") << error << '\n';
        return false;
    }
    CompiledCpp compiled = compileToCpp(path, std::move(text), lineDirectives, cppName, colour);
    err << compiled.diagnostics;
    cpp = std::move(compiled.cpp);
    return compiled.ok;
}

void reportInternalError(const std::string& path, const std::string& where,
                         const std::string& message, const std::string& kept,
                         std::ostream& err) {
    err << where << ": internal compiler error: the C++ generated for " << path
        << " does not compile (a spiderc bug; please report it)\n"
        << where << ": note: " << message << '\n';
    if (!kept.empty()) err << "note: the generated C++ is in " << kept << '\n';
}

} // namespace

CompiledCpp compileToCpp(const std::string& path, std::string text, bool lineDirectives,
                         const std::string& cppName, bool colour) {
    CompiledCpp result;
    SourceManager sources;
    DiagnosticEngine diags(sources);
    const FileId file = sources.add(path, std::move(text));
    std::unique_ptr<ast::Module> module = frontend::parseFile(sources, file, diags);
    if (module) sema::analyze(*module, diags);
    result.diagnostics = renderAllText(diags, TextStyle{colour});
    if (!module || diags.hadErrors()) {
        const std::string summary = renderSummary(diags);
        if (!summary.empty()) result.diagnostics += summary + "\n";
        return result;
    }
    const lower::ModulePlan plan = lower::planModule(*module);
    codegen::CodegenOptions options;
    options.sourcePath = path;
    options.displayName = fs::path(path).filename().string();
    options.lineDirectives = lineDirectives;
    const std::string raw = codegen::generateCpp(*module, plan, sources.file(file), options);
    std::string formatError;
    const std::string formatted = format::formatCpp(raw, &formatError);
    result.cpp = codegen::finishLineMarkers(
        formatted, cppName.empty() ? stemOf(path) + ".cpp" : cppName);
    result.ok = true;
    return result;
}

int runEmit(const EmitOptions& options, std::ostream& out, std::ostream& err) {
    const std::string cppName = options.output.empty()
                                    ? stemOf(options.file) + ".cpp"
                                    : fs::path(options.output).filename().string();
    std::string cpp;
    try {
        if (!compileFile(options.file, options.lineDirectives, cppName, options.colour, cpp,
                         err)) {
            return kExitErrors;
        }
    } catch (const std::exception& e) {
        err << options.file << ": internal compiler error: " << e.what() << '\n';
        return kExitInternal;
    }
    if (options.verify) {
        const build::RuntimeLocation runtime = build::locateRuntime();
        verify::VerifyOptions vo;
        vo.fileName = cppName;
        vo.includeDirs = {runtime.include};
        const verify::VerifyResult result = verify::verifyCpp(cpp, vo);
        if (!result.ok) {
            for (const verify::VerifyDiagnostic& d : result.diagnostics) {
                if (d.severity == "warning") continue;
                reportInternalError(options.file,
                                    d.file + ":" + std::to_string(d.line) + ":" +
                                        std::to_string(d.column),
                                    d.message, "", err);
                break;
            }
            return kExitInternal;
        }
    }
    if (options.output.empty()) {
        out << cpp;
        return kExitOk;
    }
    std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
    file << cpp;
    if (!file) {
        err << "error: cannot write '" << options.output << "'\n";
        return kExitErrors;
    }
    return kExitOk;
}

namespace {

// Builds into the cache (and to `output` when not empty); the cached executable's path.
int buildTo(const BuildOptions& options, const std::string& output, std::string& executable,
            std::ostream& err) {
    const std::string stem = stemOf(options.file);
    std::string cpp;
    try {
        if (!compileFile(options.file, true, stem + ".cpp", options.colour, cpp, err)) {
            return kExitErrors;
        }
    } catch (const std::exception& e) {
        err << options.file << ": internal compiler error: " << e.what() << '\n';
        return kExitInternal;
    }
    build::BuildRequest request;
    request.cppCode = std::move(cpp);
    request.stem = stem;
    request.output = output;
    request.cxx = options.cxx;
    request.optimization = options.optimization;
    request.cacheDir = options.cacheDir;
    const build::BuildOutcome outcome = build::buildCrawler(request);
    if (outcome.compileFailed) {
        const auto first = build::firstCompilerError(outcome.compilerOutput);
        const std::string where =
            first ? first->file + ":" + std::to_string(first->line) + ":" +
                        std::to_string(first->column)
                  : options.file;
        reportInternalError(options.file, where,
                            first ? first->message : std::string("see the compiler output"),
                            outcome.cppPath, err);
        return kExitInternal;
    }
    if (!outcome.ok) {
        err << "error: " << outcome.error << '\n';
        return kExitErrors;
    }
    executable = outcome.executable;
    return kExitOk;
}

// Options shared by build and run; returns false (after printing) on a usage error.
bool parseBuildOption(const std::string& arg, BuildOptions& options, bool& handled) {
    handled = true;
    if (arg == "-O0" || arg == "-O2") {
        options.optimization = arg;
    } else if (arg.rfind("--cxx=", 0) == 0) {
        options.cxx = arg.substr(6);
        return !options.cxx.empty();
    } else if (arg.rfind("--cache-dir=", 0) == 0) {
        options.cacheDir = arg.substr(12);
        return !options.cacheDir.empty();
    } else {
        handled = false;
    }
    return true;
}

} // namespace

int runBuild(const BuildOptions& options, std::ostream& out, std::ostream& err) {
    const std::string output = options.output.empty() ? stemOf(options.file) : options.output;
    std::string executable;
    return buildTo(options, output, executable, err);
}

int runRun(const RunOptions& options, std::ostream& out, std::ostream& err) {
    std::string executable;
    if (int status = buildTo(options.build, "", executable, err); status != kExitOk) {
        return status;
    }
    out.flush();
    std::vector<std::string> argv{executable};
    argv.insert(argv.end(), options.crawlerArgs.begin(), options.crawlerArgs.end());
    const build::ProcessResult result = build::runInherited(argv);
    if (!result.started) {
        err << "error: " << result.output << '\n';
        return kExitErrors;
    }
    return result.exitCode;
}

int emitCommand(const std::vector<std::string>& args, bool colour, std::ostream& out,
                std::ostream& err) {
    EmitOptions options;
    options.colour = colour;
    std::vector<std::string> files;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            out << kEmitUsage;
            return kExitOk;
        } else if (arg == "-o") {
            if (i + 1 >= args.size()) return usageError(err, "emit: -o needs a file", "emit");
            options.output = args[++i];
        } else if (arg.rfind("-o", 0) == 0 && arg.size() > 2) {
            options.output = arg.substr(2);
        } else if (arg == "--no-line-directives") {
            options.lineDirectives = false;
        } else if (arg == "--verify") {
            options.verify = true;
        } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
            return usageError(err, "unknown option '" + arg + "' for 'emit'", "emit");
        } else {
            files.push_back(arg);
        }
    }
    if (files.size() != 1) {
        return usageError(err, files.empty() ? "emit: no input file" : "emit: one file at a time",
                          "emit");
    }
    options.file = files[0];
    return runEmit(options, out, err);
}

int buildCommand(const std::vector<std::string>& args, bool colour, std::ostream& out,
                 std::ostream& err) {
    BuildOptions options;
    options.colour = colour;
    std::vector<std::string> files;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        bool handled = false;
        if (!parseBuildOption(arg, options, handled)) {
            return usageError(err, "build: " + arg + " needs a value", "build");
        }
        if (handled) continue;
        if (arg == "--help" || arg == "-h") {
            out << kBuildUsage;
            return kExitOk;
        } else if (arg == "-o") {
            if (i + 1 >= args.size()) return usageError(err, "build: -o needs a file", "build");
            options.output = args[++i];
        } else if (arg.rfind("-o", 0) == 0 && arg.size() > 2) {
            options.output = arg.substr(2);
        } else if (!arg.empty() && arg[0] == '-') {
            return usageError(err, "unknown option '" + arg + "' for 'build'", "build");
        } else {
            files.push_back(arg);
        }
    }
    if (files.size() != 1) {
        return usageError(err, files.empty() ? "build: no input file" : "build: one file at a time",
                          "build");
    }
    options.file = files[0];
    return runBuild(options, out, err);
}

int runCommand(const std::vector<std::string>& args, bool colour, std::ostream& out,
               std::ostream& err) {
    RunOptions options;
    options.build.colour = colour;
    std::vector<std::string> files;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") {
            ++i;
            break;
        }
        bool handled = false;
        if (!parseBuildOption(arg, options.build, handled)) {
            return usageError(err, "run: " + arg + " needs a value", "run");
        }
        if (handled) continue;
        if (arg == "--help" || arg == "-h") {
            out << kRunUsage;
            return kExitOk;
        } else if (!arg.empty() && arg[0] == '-') {
            return usageError(err, "unknown option '" + arg + "' for 'run' (crawler arguments go after '--')", "run");
        } else {
            files.push_back(arg);
        }
    }
    options.crawlerArgs.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    if (files.size() != 1) {
        return usageError(err, files.empty() ? "run: no input file" : "run: one file at a time",
                          "run");
    }
    options.build.file = files[0];
    return runRun(options, out, err);
}

} // namespace spiderc::commands
