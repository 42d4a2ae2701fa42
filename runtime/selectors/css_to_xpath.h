#pragma once

// CSS selectors to XPath 1.0, with the semantics of cssselect as parsel uses it.

#include <string>
#include <string_view>

namespace spider {

// Html follows cssselect's HTMLTranslator (element and attribute names compared in lower
// case, HTML meanings of :checked, :disabled, :enabled, :link); Xml follows its
// GenericTranslator (case-sensitive; those pseudo-classes never match).
enum class CssDialect { Html, Xml };

// Translates a group of selectors ("a, b > c::text") to one XPath expression that selects
// the same nodes parsel's Selector.css() selects, relative to the context node.
// Supports type/universal/class/id/attribute selectors (= ~= |= ^= $= *= != and
// existence), the four combinators, :not(), :is()/:matches()/:where(), :has(), the
// structural pseudo-classes (:nth-child() and friends, :first-/:last-/:only-child and
// -of-type, :empty, :root, :scope), :contains(), :lang(), and parsel's pseudo-elements
// ::text and ::attr(name). Reproduces cssselect's quirks, so results match parsel's
// node for node. Throws SelectorSyntaxError (with the byte position) on invalid input.
// Not cached: QueryCache::cssToXPath is the cached entry point.
std::string cssToXPath(std::string_view css, CssDialect dialect = CssDialect::Html);

// `s` as an XPath string literal (concat() when it holds both kinds of quote).
std::string xpathLiteral(std::string_view s);

}  // namespace spider
