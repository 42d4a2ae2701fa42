#include "diagnostics/source.h"

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

std::size_t decodeUtf8(std::string_view text, std::size_t pos, char32_t& codePoint) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        codePoint = b0;
        return 1;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (pos + len > text.size()) {
        return 0;
    }
    for (std::size_t i = 1; i < len; ++i) {
        const unsigned char b = byte(pos + i);
        if ((b & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    codePoint = cp;
    return len;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace spiderc
