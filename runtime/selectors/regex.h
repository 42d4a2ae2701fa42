#pragma once

// Regular expressions with Python `re` semantics, as parsel's re() / re_first() use them,
// compiled with PCRE2 (UTF-8, Unicode character classes, JIT when available).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spider {

// A compiled pattern written in Python `re` syntax. Python-only spellings are rewritten
// for PCRE2 (\Z, \uXXXX, \UXXXXXXXX, {,n}); \d \w \s \b are Unicode-aware as in Python.
// Matching reuses per-pattern scratch space: a Regex is not safe to use from two threads
// at once (the runtime keeps one QueryCache per reactor thread).
class Regex {
public:
    // Throws RegexError (with the pattern and PCRE2's message) on a bad pattern.
    explicit Regex(std::string_view pattern);
    ~Regex();
    Regex(Regex&&) noexcept;
    Regex& operator=(Regex&&) noexcept;

    const std::string& pattern() const;

    // re.findall(): every non-overlapping match (Python 3.7+ rules for empty matches),
    // as the whole match when the pattern has no group, else every group of every match
    // in order, flattened (an unmatched group gives "").
    std::vector<std::string> findAll(std::string_view text) const;

    // parsel's extract_regex() before entity replacement: a group named "extract" gives
    // that group of the first match only (nothing if it did not participate); otherwise
    // findAll().
    std::vector<std::string> extract(std::string_view text) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// w3lib.html.replace_entities(text, keep=["lt", "amp"]) as parsel applies it to re()
// results: named (HTML 4), decimal and hex character references become characters
// (0x80-0x9F as Windows-1252), &lt; and &amp; stay, unknown references ending in ';' are
// removed and others are left alone.
std::string replaceEntities(std::string_view text);

}  // namespace spider
