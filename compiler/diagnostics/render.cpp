#include "diagnostics/render.h"

#include <fmt/format.h>

namespace spiderc {
namespace {

constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kRed = "\x1b[1;31m";
constexpr std::string_view kMagenta = "\x1b[1;35m";
constexpr std::string_view kCyan = "\x1b[1;36m";
constexpr std::string_view kGreen = "\x1b[1;32m";
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::uint32_t kTabWidth = 4;
constexpr std::uint32_t kContextBefore = 60;

std::string_view severityName(Severity severity) {
    switch (severity) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Note:
        return "note";
    }
    return "error";
}

std::string_view severityColour(Severity severity) {
    switch (severity) {
    case Severity::Error:
        return kRed;
    case Severity::Warning:
        return kMagenta;
    case Severity::Note:
        return kCyan;
    }
    return kRed;
}

// One quoted source line cut to a window, with the display column of every character
// in the window, so carets and fix-its line up under tabs and multi-byte characters.
struct QuotedLine {
    std::string text;
    std::uint32_t firstColumn = 1; // source column of the first shown character
    std::vector<std::uint32_t> startCell; // display cell where column (first + i) starts
    std::uint32_t endCell = 0;           // display width of `text`
    bool cutLeft = false;

    // Display cell for a source column; columns past the window clamp to its end.
    std::uint32_t cellOf(std::uint32_t column) const {
        if (column < firstColumn) {
            return 0;
        }
        const std::uint32_t index = column - firstColumn;
        return index < startCell.size() ? startCell[index] : endCell;
    }
};

QuotedLine quoteLine(std::string_view line, std::uint32_t caretColumn) {
    QuotedLine quoted;
    quoted.firstColumn = caretColumn > kContextBefore + 1 ? caretColumn - kContextBefore : 1;
    quoted.cutLeft = quoted.firstColumn > 1;
    if (quoted.cutLeft) {
        quoted.text = "...";
        quoted.endCell = 3;
    }
    std::uint32_t column = 1;
    std::size_t pos = 0;
    while (pos < line.size()) {
        char32_t cp = 0;
        std::size_t len = decodeUtf8(line, pos, cp);
        const bool invalid = len == 0;
        if (invalid) {
            len = 1;
        }
        if (column >= quoted.firstColumn) {
            if (quoted.startCell.size() >= kMaxQuotedColumns) {
                quoted.text += "...";
                break;
            }
            quoted.startCell.push_back(quoted.endCell);
            if (invalid || (cp < 0x20 && cp != '\t') || cp == 0x7F) {
                quoted.text += '?';
                quoted.endCell += 1;
            } else if (cp == '\t') {
                const std::uint32_t width = kTabWidth - quoted.endCell % kTabWidth;
                quoted.text.append(width, ' ');
                quoted.endCell += width;
            } else {
                quoted.text.append(line.substr(pos, len));
                quoted.endCell += 1;
            }
        }
        pos += len;
        ++column;
    }
    return quoted;
}

void appendColoured(std::string& out, std::string_view colour, std::string_view text,
                    TextStyle style) {
    if (style.colour) {
        out += colour;
        out += text;
        out += kReset;
    } else {
        out += text;
    }
}

// "file:line:col: severity: message\n" plus the quoted line, caret and fix-its.
void renderOne(std::string& out, Severity severity, const Location& location,
               std::string_view message, const std::vector<FixIt>& fixIts,
               const SourceManager& sources, TextStyle style) {
    if (!location.valid() || location.file >= sources.size()) {
        appendColoured(out, severityColour(severity), fmt::format("{}:", severityName(severity)),
                       style);
        out += ' ';
        appendColoured(out, kBold, message, style);
        out += '\n';
        return;
    }
    const SourceFile& file = sources.file(location.file);
    const LineColumn begin = file.lineColumn(location.begin);
    appendColoured(out, kBold, fmt::format("{}:{}:{}:", file.name(), begin.line, begin.column),
                   style);
    out += ' ';
    appendColoured(out, severityColour(severity), fmt::format("{}:", severityName(severity)),
                   style);
    out += ' ';
    appendColoured(out, kBold, message, style);
    out += '\n';

    const QuotedLine quoted = quoteLine(file.lineText(begin.line), begin.column);
    out += quoted.text;
    out += '\n';

    // The caret range stops at the end of the first line of a multi-line range.
    const LineColumn end = file.lineColumn(location.end);
    const std::uint32_t caretCell = quoted.cellOf(begin.column);
    std::uint32_t endCell =
        end.line == begin.line ? quoted.cellOf(end.column) : quoted.endCell;
    if (endCell < caretCell + 1) {
        endCell = caretCell + 1;
    }
    std::string caret(caretCell, ' ');
    caret += '^';
    caret.append(endCell - caretCell - 1, '~');
    appendColoured(out, kGreen, caret, style);
    out += '\n';

    // clang's convention: the replacement text of a fix-it on the same line, under it.
    for (const FixIt& fix : fixIts) {
        if (fix.location.file != location.file) {
            continue;
        }
        const LineColumn at = file.lineColumn(fix.location.begin);
        if (at.line != begin.line || fix.replacement.empty()) {
            continue;
        }
        std::string line(quoted.cellOf(at.column), ' ');
        line += fix.replacement;
        appendColoured(out, kGreen, line, style);
        out += '\n';
    }
}

void appendPosition(std::string& out, const Location& location, const SourceManager& sources,
                    bool withEnd) {
    if (!location.valid() || location.file >= sources.size()) {
        out += "\"file\":null,\"line\":null,\"column\":null";
        if (withEnd) {
            out += ",\"end_line\":null,\"end_column\":null";
        }
        return;
    }
    const SourceFile& file = sources.file(location.file);
    const LineColumn begin = file.lineColumn(location.begin);
    out += fmt::format("\"file\":{},\"line\":{},\"column\":{}", jsonQuote(file.name()),
                       begin.line, begin.column);
    if (withEnd) {
        const LineColumn end = file.lineColumn(location.end);
        out += fmt::format(",\"end_line\":{},\"end_column\":{}", end.line, end.column);
    }
}

} // namespace

std::string jsonQuote(std::string_view text) {
    std::string out = "\"";
    std::size_t pos = 0;
    while (pos < text.size()) {
        char32_t cp = 0;
        std::size_t len = decodeUtf8(text, pos, cp);
        if (len == 0) {
            out += "\\ufffd";
            ++pos;
            continue;
        }
        switch (cp) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (cp < 0x20 || cp == 0x7F) {
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
            } else {
                out.append(text.substr(pos, len));
            }
        }
        pos += len;
    }
    out += '"';
    return out;
}

std::string renderText(const Diagnostic& diagnostic, const SourceManager& sources,
                       TextStyle style) {
    std::string out;
    renderOne(out, diagnostic.severity, diagnostic.location, diagnostic.message,
              diagnostic.fixIts, sources, style);
    for (const Note& note : diagnostic.notes) {
        renderOne(out, Severity::Note, note.location, note.message, {}, sources, style);
    }
    return out;
}

std::string renderJson(const Diagnostic& diagnostic, const SourceManager& sources) {
    std::string out = "{\"severity\":\"";
    out += severityName(diagnostic.severity);
    out += "\",\"message\":";
    out += jsonQuote(diagnostic.message);
    out += ',';
    appendPosition(out, diagnostic.location, sources, true);
    out += ",\"notes\":[";
    for (std::size_t i = 0; i < diagnostic.notes.size(); ++i) {
        out += i ? ",{" : "{";
        out += "\"message\":";
        out += jsonQuote(diagnostic.notes[i].message);
        out += ',';
        appendPosition(out, diagnostic.notes[i].location, sources, false);
        out += '}';
    }
    out += "],\"fixits\":[";
    for (std::size_t i = 0; i < diagnostic.fixIts.size(); ++i) {
        out += i ? ",{" : "{";
        appendPosition(out, diagnostic.fixIts[i].location, sources, true);
        out += ",\"replacement\":";
        out += jsonQuote(diagnostic.fixIts[i].replacement);
        out += '}';
    }
    out += "]}";
    return out;
}

std::string renderAllText(const DiagnosticEngine& diags, TextStyle style) {
    std::string out;
    for (const Diagnostic& d : diags.sorted()) {
        out += renderText(d, diags.sources(), style);
    }
    return out;
}

std::string renderAllJson(const DiagnosticEngine& diags) {
    std::string out;
    for (const Diagnostic& d : diags.sorted()) {
        out += renderJson(d, diags.sources());
        out += '\n';
    }
    return out;
}

std::string renderSummary(const DiagnosticEngine& diags) {
    const std::size_t errors = diags.errorCount();
    const std::size_t warnings = diags.warningCount();
    auto plural = [](std::size_t n, std::string_view word) {
        return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
    };
    if (errors && warnings) {
        return fmt::format("{} and {} generated.", plural(errors, "error"),
                           plural(warnings, "warning"));
    }
    if (errors) {
        return plural(errors, "error") + " generated.";
    }
    if (warnings) {
        return plural(warnings, "warning") + " generated.";
    }
    return {};
}

} // namespace spiderc
