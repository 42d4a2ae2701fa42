#pragma once

// CSS selectors to XPath 1.0, with the semantics of cssselect as parsel uses it.

#include <string>
#include <string_view>

namespace spider {

// Html follows cssselect's HTMLTranslator (element and attribute names compared in lower
// case, HTML meanings of :checked, :disabled, :enabled, :link); Xml follows its
// GenericTranslator (case-sensitive; those pseudo-classes never match).
enum class CssDialect { Html, Xml };

// What the XPath text is for. Parsel: cssselect's exact text, which users and tests compare.
// Evaluation: the same selection, with each class test and `~=` written as a call to
// spiderc-includes(attr, ' word '), an XPath function QueryCache registers: it computes
// cssselect's `attr and contains(concat(' ', normalize-space(attr), ' '), ' word ')`
// without building those strings for every element it tests. QueryCache compiles this form.
enum class CssOutput { Parsel, Evaluation };

// The name of that function.
inline constexpr const char* kIncludesFunction = "spiderc-includes";

// Translates a group of selectors ("a, b > c::text") to one XPath expression that selects
// the same nodes parsel's Selector.css() selects, relative to the context node.
// Supports type/universal/class/id/attribute selectors (= ~= |= ^= $= *= != and
// existence), the four combinators, :not(), :is()/:matches()/:where(), :has(), the
// structural pseudo-classes (:nth-child() and friends, :first-/:last-/:only-child and
// -of-type, :empty, :root, :scope), :contains(), :lang(), and parsel's pseudo-elements
// ::text and ::attr(name). Reproduces cssselect's quirks, so results match parsel's
// node for node. Throws SelectorSyntaxError (with the byte position) on invalid input.
// Not cached: QueryCache::cssToXPath is the cached entry point.
std::string cssToXPath(std::string_view css, CssDialect dialect = CssDialect::Html,
                       CssOutput output = CssOutput::Parsel);

// `s` as an XPath string literal (concat() when it holds both kinds of quote).
std::string xpathLiteral(std::string_view s);

}  // namespace spider
