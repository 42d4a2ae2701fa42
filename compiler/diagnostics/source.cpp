#include "diagnostics/source.h"
#include "data/utf8.h"

#include <algorithm>

namespace spiderc {

SourceFile::SourceFile(std::string displayName, std::string text)
    : name_(std::move(displayName)), text_(std::move(text)) {}

void SourceFile::computeLineStarts() const {
    if (!lineStarts_.empty()) {
        return;
    }
    lineStarts_.push_back(0);
    const std::size_t n = text_.size();
    for (std::size_t i = 0; i < n; ++i) {
        // "\r\n" is one terminator; a lone '\r' is one too, as in the lexer.
        if (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 == n || text_[i + 1] != '\n'))) {
            lineStarts_.push_back(static_cast<std::uint32_t>(i + 1));
        }
    }
}

std::uint32_t SourceFile::lineCount() const {
    computeLineStarts();
    return static_cast<std::uint32_t>(lineStarts_.size());
}

LineColumn SourceFile::lineColumn(std::uint32_t offset) const {
    computeLineStarts();
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
    auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
    const auto line = static_cast<std::uint32_t>(it - lineStarts_.begin());
    std::uint32_t column = 1;
    std::size_t pos = lineStarts_[line - 1];
    while (pos < offset) {
        char32_t cp = 0;
        std::size_t len = decodeUtf8(text_, pos, cp);
        pos += len == 0 ? 1 : len;
        ++column;
    }
    return {line, column};
}

std::string_view SourceFile::lineText(std::uint32_t line) const {
    computeLineStarts();
    if (line == 0 || line > lineStarts_.size()) {
        return {};
    }
    std::size_t begin = lineStarts_[line - 1];
    std::size_t end = line < lineStarts_.size() ? lineStarts_[line] : text_.size();
    std::string_view view(text_);
    view = view.substr(begin, end - begin);
    while (!view.empty() && (view.back() == '\n' || view.back() == '\r')) {
        view.remove_suffix(1);
    }
    return view;
}

FileId SourceManager::add(std::string displayName, std::string text) {
    files_.push_back(std::make_unique<SourceFile>(std::move(displayName), std::move(text)));
    return static_cast<FileId>(files_.size() - 1);
}

// The strict decoder and encoder are the runtime's (one definition of valid UTF-8 for the
// compiler and the crawlers it builds); these adapt them to the compiler's interface.
std::size_t decodeUtf8(std::string_view text, std::size_t pos, char32_t& codePoint) {
    std::size_t next = pos;
    const char32_t cp = spider::detail::decodeUtf8(text, next);
    if (cp == spider::detail::kInvalidCodePoint) return 0;
    codePoint = cp;
    return next - pos;
}

void appendUtf8(std::string& out, char32_t codePoint) {
    spider::detail::appendUtf8(out, codePoint);
}

} // namespace spiderc
