#pragma once

// URLs as a crawler needs them: joining links found on a page, deciding which URLs are
// fetched at all, the host for offsite filtering and per-host slots, and the canonical form
// that request fingerprints hash.
//
// Parsing and joining go through libcurl's URL API. Canonicalisation instead reproduces
// w3lib's algorithm (the one Scrapy hashes) step by step, because fingerprints must be
// byte-identical to Scrapy's and libcurl normalises differently (it resolves `..`, drops
// empty queries, keeps percent-escape case).
//
// Every function takes arbitrary bytes: bad input gives std::nullopt, an empty string or
// `false` as documented, never an exception or a crash. Non-ASCII input is taken as UTF-8.

#include <optional>
#include <string>
#include <string_view>

namespace spider {

// Resolves `ref` (an href as found on a page) against the absolute URL `base`, like
// Python's urllib.parse.urljoin and Scrapy's response.urljoin: relative paths, `.` and `..`
// segments, absolute paths, protocol-relative `//host/x`, query-only `?q`, fragment-only
// `#f`, and absolute URLs. Leading and trailing spaces and control characters of `ref` are
// stripped and tabs/newlines inside it removed (as browsers do). Spaces and non-ASCII in
// the result are percent-encoded and an IDN host is converted to punycode.
// A `ref` with a scheme of its own and no authority (`javascript:x`, `mailto:a@b`,
// `data:...`) is returned unchanged, as urljoin does; isHttpUrl() tells whether to follow.
// Returns std::nullopt when `base` is not an absolute URL or the result cannot be parsed
// (bad port, bad host, ...). To join many links against one page, use UrlJoiner.
std::optional<std::string> urljoin(std::string_view base, std::string_view ref);

// urljoin() against one base, parsed once: what a callback extracting a page's links uses.
// Plain relative links (the vast majority) are resolved without libcurl, per RFC 3986
// section 5.2, to the same string libcurl would give; anything else goes through libcurl.
class UrlJoiner {
public:
    explicit UrlJoiner(std::string_view base);

    // False when the base is not an absolute URL; join() then always gives std::nullopt.
    bool valid() const { return valid_; }

    // The same result as urljoin(base, ref).
    std::optional<std::string> join(std::string_view ref) const;

private:
    std::string base_;       // the base as given (for the libcurl path)
    std::string prefix_;     // "scheme://authority" of the parsed base, when hierarchical
    std::string path_;       // the parsed base's path, starting with '/'
    std::string query_;      // the parsed base's query, without '?'
    bool hasQuery_ = false;
    bool valid_ = false;
};

// Why `url` is not an absolute http(s) URL a crawler can fetch ("unsupported scheme
// 'ftp'", "malformed input: bad port number", ...), or std::nullopt when it is one.
std::optional<std::string> httpUrlError(std::string_view url);

// True when `url` is an absolute http:// or https:// URL with a host (see httpUrlError).
bool isHttpUrl(std::string_view url);

// The host of an absolute URL, lower-cased, IDN hosts in punycode, IPv6 addresses without
// their brackets (like Python's urlparse(url).hostname); "" when `url` has none or is
// malformed.
std::string hostOf(std::string_view url);

// Scrapy's offsite rule: `host` equals `allowedDomain` or ends with "." + `allowedDomain`,
// ignoring ASCII case. An empty `allowedDomain` matches nothing.
bool domainMatches(std::string_view host, std::string_view allowedDomain);

// w3lib.url.canonicalize_url(url, keep_fragments=keepFragments) as Scrapy 2.8 uses it for
// request fingerprints: scheme and host lower-cased, query arguments sorted by (name, value)
// with blank values kept and spaces as '+', the path's percent-encoding normalised
// (unreserved characters decoded, reserved ones kept, upper-case hex, non-ASCII as UTF-8
// escapes), fragment dropped unless keepFragments. It does not resolve `..` segments nor
// drop a default port, exactly like w3lib. Returns std::nullopt only where w3lib raises
// (malformed bracketed IPv6 host).
std::optional<std::string> canonicalizeUrl(std::string_view url, bool keepFragments = false);

// w3lib.url.safe_url_string(url) (w3lib 2.1): the form Scrapy's Request stores its URL in,
// and so the URL its fingerprint sees: host lower-cased and IDNA-encoded, port normalised,
// path/query/fragment/userinfo characters that are unsafe percent-encoded. Returns
// std::nullopt where w3lib raises (bad port, malformed bracketed host).
std::optional<std::string> safeUrlString(std::string_view url);

// A URL split once, for the per-link work of the scheduler (offsite host, validity,
// canonical form), which is the crawl's hottest URL code. Only "plain" URLs are split:
//   - the scheme `http` or `https`, in lower case, then "://";
//   - a host of ASCII letters, digits, '-', '_' and '.', which is either a dotted-decimal
//     IPv4 address written canonically or has a label starting with a non-digit (so
//     libcurl will not rewrite it as a numeric IPv4 form such as "0x7f.1");
//   - an optional ":port" of 1 to 5 digits, no leading zero, at most 65535;
//   - a path, query and fragment of unreserved characters and "/?#&=:@!$'()*,%+" only (no
//     ';', spaces, quotes, brackets, backslashes, controls or non-ASCII).
// For such a URL httpUrlError() gives no error, hostOf() gives `host` lower-cased and
// canonicalizeUrl() gives what appendCanonicalUrl() appends (those functions take this
// path themselves for plain URLs; tests hold it equal to the general path on a corpus).
// Any other URL gives std::nullopt and the general functions handle it. The views point
// into the string given.
struct PlainHttpUrl {
    std::string_view scheme;    // "http" or "https"
    std::string_view host;      // as written (any case)
    std::string_view port;      // the digits, or empty when there is none
    std::string_view path;      // from the '/' that ends the authority; may be empty
    std::string_view query;     // after the first '?' (before any '#'), without it
    std::string_view fragment;  // after the first '#', without it
};
std::optional<PlainHttpUrl> splitPlainHttpUrl(std::string_view url);

// Appends canonicalizeUrl(url, keepFragments) of a plain URL to `out`. Allocates nothing
// beyond `out`'s growth unless the URL has a query (whose arguments are sorted) or a '%'.
void appendCanonicalUrl(std::string& out, const PlainHttpUrl& url, bool keepFragments = false);

namespace detail {
// urljoin() always through libcurl, never the UrlJoiner fast path (tests compare the two).
std::optional<std::string> urljoinWithCurl(std::string_view base, std::string_view ref);
// httpUrlError(), hostOf() and canonicalizeUrl() without the PlainHttpUrl fast path (tests
// check that both paths agree).
std::optional<std::string> httpUrlErrorGeneral(std::string_view url);
std::string hostOfGeneral(std::string_view url);
std::optional<std::string> canonicalizeUrlGeneral(std::string_view url, bool keepFragments);
}  // namespace detail

}  // namespace spider
