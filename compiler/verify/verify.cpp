#include "verify/verify.h"

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/FileManager.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/FrontendActions.h>
#include <clang/Frontend/PCHContainerOperations.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>

namespace spiderc::verify {
namespace {

// Collects diagnostics with their presumed (#line-mapped) locations.
class Collector final : public clang::DiagnosticConsumer {
public:
    explicit Collector(VerifyResult& result) : result_(result) {}

    void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                          const clang::Diagnostic& info) override {
        clang::DiagnosticConsumer::HandleDiagnostic(level, info);
        if (level < clang::DiagnosticsEngine::Warning) return;
        VerifyDiagnostic d;
        switch (level) {
        case clang::DiagnosticsEngine::Warning:
            d.severity = "warning";
            break;
        case clang::DiagnosticsEngine::Error:
            d.severity = "error";
            break;
        default:
            d.severity = "fatal error";
            break;
        }
        llvm::SmallString<256> text;
        info.FormatDiagnostic(text);
        d.message = std::string(text.str());
        if (info.getLocation().isValid() && info.hasSourceManager()) {
            const clang::PresumedLoc loc =
                info.getSourceManager().getPresumedLoc(info.getLocation());
            if (loc.isValid()) {
                d.file = loc.getFilename();
                d.line = loc.getLine();
                d.column = loc.getColumn();
            }
        }
        result_.diagnostics.push_back(std::move(d));
    }

private:
    VerifyResult& result_;
};

} // namespace

VerifyResult verifyCpp(std::string_view code, const VerifyOptions& options) {
    VerifyResult result;
    llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> overlay(
        new llvm::vfs::OverlayFileSystem(llvm::vfs::getRealFileSystem()));
    llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> memory(
        new llvm::vfs::InMemoryFileSystem);
    overlay->pushOverlay(memory);
    memory->addFile(options.fileName, 0,
                    llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(code.data(), code.size()),
                                                         options.fileName));
    llvm::IntrusiveRefCntPtr<clang::FileManager> files(
        new clang::FileManager(clang::FileSystemOptions(), overlay));

    // The driver finds clang's own headers (stddef.h, ...) from the resource directory.
    std::vector<std::string> argv{"clang++", "-fsyntax-only", "-std=c++20",
                                  "-resource-dir=" SPIDERC_CLANG_RESOURCE_DIR};
    for (const std::string& dir : options.includeDirs) argv.push_back("-I" + dir);
    argv.insert(argv.end(), options.extraArgs.begin(), options.extraArgs.end());
    argv.push_back(options.fileName);

    Collector collector(result);
    clang::tooling::ToolInvocation invocation(argv, std::make_unique<clang::SyntaxOnlyAction>(),
                                              files.get(),
                                              std::make_shared<clang::PCHContainerOperations>());
    invocation.setDiagnosticConsumer(&collector);
    const bool ran = invocation.run();
    result.ok = ran && collector.getNumErrors() == 0;
    if (!ran && result.diagnostics.empty()) {
        result.diagnostics.push_back({"error", options.fileName, 0, 0, "clang could not run"});
    }
    return result;
}

std::string renderDiagnostics(const VerifyResult& result) {
    std::string out;
    for (const VerifyDiagnostic& d : result.diagnostics) {
        out += d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " +
               d.severity + ": " + d.message + "\n";
    }
    return out;
}

} // namespace spiderc::verify
