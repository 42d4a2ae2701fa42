#include "frontend/frontend.h"

#include "frontend/lexer.h"
#include "frontend/source_check.h"
#include "frontend/syntax_errors.h"
#include "frontend/transform.h"

#include "SpiderLexer.h"
#include "SpiderParser.h"

#include <fmt/format.h>

namespace spiderc::frontend {
namespace {

using P = grammar::SpiderParser;

// Runs `rule` on the parser, SLL first, then LL with error reporting. Returns null if
// there were syntax errors.
template <typename Ctx>
Ctx* parseTwoStage(P& parser, antlr4::CommonTokenStream& stream,
                   const std::vector<Location>& locations, DiagnosticEngine& diags,
                   Ctx* (P::*rule)(), bool field) {
    using antlr4::atn::ParserATNSimulator;
    using antlr4::atn::PredictionMode;
    parser.removeErrorListeners();
    parser.getInterpreter<ParserATNSimulator>()->setPredictionMode(PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    try {
        return (parser.*rule)();
    } catch (const antlr4::ParseCancellationException&) {
        // Fall through to the full parse, which reports.
    }
    std::vector<std::size_t> types;
    types.reserve(stream.size());
    for (std::size_t i = 0; i < stream.size(); ++i) {
        types.push_back(stream.get(i)->getType());
    }
    auto strategy = std::make_shared<SyntaxErrorStrategy>(locations, std::move(types), diags,
                                                          field);
    stream.seek(0);
    parser.reset();
    parser.setErrorHandler(strategy);
    parser.getInterpreter<ParserATNSimulator>()->setPredictionMode(PredictionMode::LL);
    Ctx* tree = (parser.*rule)();
    if (strategy->sawErrors()) {
        return nullptr;
    }
    // LL accepted what SLL rejected: a valid program, keep it.
    return tree;
}

class FileParser {
public:
    FileParser(const SourceFile& source, FileId file, DiagnosticEngine& diags)
        : source_(source), file_(file), diags_(diags) {}

    std::unique_ptr<ast::Module> parseProgram() {
        LexOptions options;
        LexedTokens lexed = lexSource(file_, source_.text(), options, diags_);
        if (!lexed.ok) {
            return nullptr;
        }
        const std::vector<Location> locations = std::move(lexed.locations);
        antlr4::ListTokenSource tokenSource(std::move(lexed.tokens));
        antlr4::CommonTokenStream stream(&tokenSource);
        stream.fill();
        P parser(&stream);
        P::ProgramContext* tree = parseTwoStage(parser, stream, locations, diags_, &P::program, false);
        if (tree == nullptr) {
            return nullptr;
        }
        auto module = std::make_unique<ast::Module>();
        module->file = file_;
        Transformer transformer(file_, source_.text(), locations, diags_, fieldParser(), 0);
        transformer.program(tree, *module);
        return module;
    }

private:
    Transformer::FieldParser fieldParser() {
        return [this](std::uint32_t offset, std::string_view text, int depth) {
            return parseField(offset, text, depth);
        };
    }

    ast::ExprPtr parseField(std::uint32_t offset, std::string_view text, int depth) {
        const Location whole{file_, offset, offset + static_cast<std::uint32_t>(text.size())};
        if (depth > kMaxNesting) {
            diags_.error(whole, fmt::format("nesting too deep (limit {})", kMaxNesting));
            return std::make_unique<ast::ErrorExpr>(whole);
        }
        LexOptions options;
        options.baseOffset = offset;
        options.expression = true;
        options.baseDepth = depth;
        LexedTokens lexed = lexSource(file_, text, options, diags_);
        if (!lexed.ok) {
            return std::make_unique<ast::ErrorExpr>(whole);
        }
        const std::vector<Location> locations = std::move(lexed.locations);
        antlr4::ListTokenSource tokenSource(std::move(lexed.tokens));
        antlr4::CommonTokenStream stream(&tokenSource);
        stream.fill();
        P parser(&stream);
        P::FstringFieldContext* tree =
            parseTwoStage(parser, stream, locations, diags_, &P::fstringField, true);
        if (tree == nullptr) {
            return std::make_unique<ast::ErrorExpr>(whole);
        }
        Transformer transformer(file_, source_.text(), locations, diags_, fieldParser(), depth);
        return transformer.fstringField(tree);
    }

    const SourceFile& source_;
    FileId file_;
    DiagnosticEngine& diags_;
};

bool checkSize(const SourceFile& source, FileId file, DiagnosticEngine& diags) {
    if (source.text().size() > kMaxSourceBytes) {
        diags.error({file, 0, 0}, fmt::format("file is too large ({} bytes; the limit is {} MiB)",
                                              source.text().size(),
                                              kMaxSourceBytes / (1024 * 1024)));
        return false;
    }
    return true;
}

} // namespace

std::unique_ptr<ast::Module> parseFile(const SourceManager& sources, FileId file,
                                       DiagnosticEngine& diags) {
    const SourceFile& source = sources.file(file);
    if (!checkSize(source, file, diags)) {
        return nullptr;
    }
    const SourceFacts facts = checkSource(file, source.text(), diags);
    if (!facts.valid) {
        return nullptr;
    }
    return FileParser(source, file, diags).parseProgram();
}

bool dumpTokenStream(const SourceManager& sources, FileId file, DiagnosticEngine& diags,
                     std::string& out) {
    const SourceFile& source = sources.file(file);
    if (!checkSize(source, file, diags)) {
        return false;
    }
    const SourceFacts facts = checkSource(file, source.text(), diags);
    if (!facts.valid) {
        return false;
    }
    LexOptions options;
    LexedTokens lexed = lexSource(file, source.text(), options, diags);
    if (!lexed.ok) {
        return false;
    }
    out = dumpTokens(lexed, source);
    return true;
}

} // namespace spiderc::frontend
