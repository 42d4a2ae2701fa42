#include "driver/check_command.h"

#include "ast/dump.h"
#include "diagnostics/render.h"
#include "frontend/frontend.h"
#include "sema/sema.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>

#include <fmt/format.h>

namespace spiderc::driver {

std::unique_ptr<ast::Module> checkModule(const SourceManager& sources, FileId file,
                                         DiagnosticEngine& diags) {
    std::unique_ptr<ast::Module> module = frontend::parseFile(sources, file, diags);
    if (module) {
        sema::analyze(*module, diags);
    }
    return module;
}

bool readSourceFile(const std::string& path, std::string& text, std::string& error) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        error = fmt::format("cannot read '{}': no such file", path);
        return false;
    }
    if (std::filesystem::is_directory(status)) {
        error = fmt::format("cannot read '{}': it is a directory", path);
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = fmt::format("cannot read '{}': {}", path, std::strerror(errno));
        return false;
    }
    text.clear();
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > frontend::kMaxSourceBytes) {
            error = fmt::format("cannot read '{}': larger than the limit of {} MiB", path,
                                frontend::kMaxSourceBytes / (1024 * 1024));
            return false;
        }
    }
    if (in.bad()) {
        error = fmt::format("cannot read '{}': read error", path);
        return false;
    }
    return true;
}

int runCheck(const CheckOptions& options, std::ostream& out, std::ostream& err) {
    SourceManager sources;
    DiagnosticEngine diags(sources);
    bool failed = false;
    std::vector<std::string> unreadable;
    for (const std::string& path : options.files) {
        std::string text;
        std::string error;
        if (!readSourceFile(path, text, error)) {
            unreadable.push_back(error);
            failed = true;
            continue;
        }
        const FileId file = sources.add(path, std::move(text));
        if (options.dump == Dump::Tokens) {
            std::string dump;
            if (frontend::dumpTokenStream(sources, file, diags, dump)) {
                out << dump;
            }
            continue;
        }
        std::unique_ptr<ast::Module> module = checkModule(sources, file, diags);
        if (module && options.dump == Dump::Ast) {
            out << ast::dumpModule(*module, sources.file(file));
        }
    }
    if (options.errorFormat == ErrorFormat::Json) {
        for (const std::string& message : unreadable) {
            out << "{\"severity\":\"error\",\"message\":" << jsonQuote(message)
                << ",\"file\":null,\"line\":null,\"column\":null,\"end_line\":null,"
                   "\"end_column\":null,\"notes\":[],\"fixits\":[]}\n";
        }
        out << renderAllJson(diags);
    } else {
        for (const std::string& message : unreadable) {
            err << (options.colour ? "\x1b[1;31merror:\x1b[0m " : "error: ") << message << '\n';
        }
        err << renderAllText(diags, TextStyle{options.colour});
        const std::string summary = renderSummary(diags);
        if (!summary.empty()) {
            err << summary << '\n';
        }
    }
    return failed || diags.hadErrors() ? 1 : 0;
}

} // namespace spiderc::driver
