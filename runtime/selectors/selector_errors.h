#pragma once

// The exceptions the selectors layer throws. Bad input (a CSS selector, an XPath
// expression or a regular expression written by a spider author) always becomes one of
// these, with the offending query in the message; it never crashes.

#include <cstddef>
#include <stdexcept>
#include <string>

namespace spider {

// Base of every selectors-layer error.
class SelectorError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A CSS selector that does not parse, or uses something parsel does not translate
// (an unknown pseudo-class, a pseudo-element other than ::text and ::attr(name)).
// position() is the byte offset in the selector where the problem was found.
class SelectorSyntaxError : public SelectorError {
public:
    SelectorSyntaxError(const std::string& message, std::size_t position)
        : SelectorError(message), position_(position) {}
    std::size_t position() const noexcept { return position_; }

private:
    std::size_t position_;
};

// An XPath expression libxml2 rejects, at compile or evaluation time.
class XPathError : public SelectorError {
public:
    using SelectorError::SelectorError;
};

// A regular expression PCRE2 rejects, or a match that fails (e.g. match limit exceeded).
class RegexError : public SelectorError {
public:
    using SelectorError::SelectorError;
};

}  // namespace spider
