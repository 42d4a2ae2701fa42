#pragma once
// Helpers shared by the front-end tests: run the checker on text held in memory.
#include "ast/ast.h"
#include "diagnostics/render.h"
#include "driver/check_command.h"

#include <memory>
#include <string>

namespace spiderc::test {

struct Checked {
    SourceManager sources;
    std::unique_ptr<DiagnosticEngine> diags;
    std::unique_ptr<ast::Module> module;
    FileId file = kNoFile;

    std::string text() const { return renderAllText(*diags); }
};

inline std::unique_ptr<Checked> check(std::string text, std::string name = "test.spider") {
    auto result = std::make_unique<Checked>();
    result->file = result->sources.add(std::move(name), std::move(text));
    result->diags = std::make_unique<DiagnosticEngine>(result->sources);
    result->module = driver::checkModule(result->sources, result->file, *result->diags);
    return result;
}

} // namespace spiderc::test
