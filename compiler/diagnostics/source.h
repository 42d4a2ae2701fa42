#pragma once
// Source files as the compiler sees them: the bytes as read, addressed by byte offsets.
// Locations stay cheap (a file id and two offsets); line and column numbers are computed
// only when a diagnostic is rendered.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spiderc {

using FileId = std::uint32_t;
inline constexpr FileId kNoFile = ~FileId{0};

// A half-open byte range [begin, end) in one file. An empty range marks a point.
struct Location {
    FileId file = kNoFile;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;

    bool valid() const { return file != kNoFile; }
    // The smallest range covering both (they must be in the same file).
    Location to(const Location& other) const { return {file, begin, other.end}; }
};

// 1-based line; 1-based column counted in characters (code points). Each byte of an
// invalid UTF-8 sequence counts as one character, so every offset has a column.
struct LineColumn {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
};

class SourceFile {
public:
    SourceFile(std::string displayName, std::string text);

    const std::string& name() const { return name_; }
    const std::string& text() const { return text_; }

    // Offsets past the end clamp to the end of the file.
    LineColumn lineColumn(std::uint32_t offset) const;
    // The text of a 1-based line without its line terminator.
    std::string_view lineText(std::uint32_t line) const;
    std::uint32_t lineCount() const;

private:
    void computeLineStarts() const;

    std::string name_;
    std::string text_;
    mutable std::vector<std::uint32_t> lineStarts_; // filled on first use
};

// Owns every file of one compiler run; FileIds index into it.
class SourceManager {
public:
    FileId add(std::string displayName, std::string text);
    const SourceFile& file(FileId id) const { return *files_.at(id); }
    std::size_t size() const { return files_.size(); }

private:
    std::vector<std::unique_ptr<SourceFile>> files_;
};

// Decodes one UTF-8 sequence starting at text[pos]. Returns its length in bytes (1..4) and
// stores the code point, or returns 0 for an invalid sequence (overlong forms, surrogates,
// code points above U+10FFFF, truncated or stray bytes).
std::size_t decodeUtf8(std::string_view text, std::size_t pos, char32_t& codePoint);

// Appends the UTF-8 encoding of a code point (which must be a valid scalar value).
void appendUtf8(std::string& out, char32_t codePoint);

} // namespace spiderc
