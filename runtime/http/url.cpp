#include "http/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace spider {
namespace {

// ---------------------------------------------------------------------------------------
// Byte-level helpers shared by the Python-compatible parts.

constexpr std::string_view kUnreserved =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
constexpr std::string_view kHexUpper = "0123456789ABCDEF";

bool isAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }

char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string asciiLowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), asciiLower);
    return out;
}

bool isAscii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The character sets w3lib builds from RFC 3986 (w3lib/url.py), as 256-entry tables.
using ByteSet = std::array<bool, 256>;

ByteSet makeSet(std::string_view extra, std::string_view removed = {}) {
    ByteSet set{};
    for (char c : kUnreserved) set[static_cast<unsigned char>(c)] = true;
    for (char c : extra) set[static_cast<unsigned char>(c)] = true;
    for (char c : removed) set[static_cast<unsigned char>(c)] = false;
    return set;
}

// _safe_chars: reserved + unreserved + '|' + '%'.
const ByteSet kSafeChars = makeSet(":/?#[]@!$&'()*+,;=|%");
const ByteSet kPathSafeChars = makeSet(":/?[]@!$&'()*+,;=|%");                 // minus '#'
const ByteSet kPathSafestChars = makeSet(":/?@!$&'()*+,;=%");                  // minus #[]|
const ByteSet kSpecialQuerySafestChars = makeSet(":/?@!$&()*+,;=%");          // minus '
const ByteSet kUserinfoSafestChars = makeSet("!$&'()*+,");
const ByteSet kAlwaysSafe = makeSet("");

// urllib.parse.quote_from_bytes: every byte outside `safe` becomes %XX (upper-case hex).
std::string quote(std::string_view bytes, const ByteSet& safe) {
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) {
        auto b = static_cast<unsigned char>(c);
        if (safe[b]) {
            out += c;
        } else {
            out += '%';
            out += kHexUpper[b >> 4];
            out += kHexUpper[b & 0xF];
        }
    }
    return out;
}

// urllib.parse.quote_plus(bytes, safe=''): like quote, with ' ' as '+'; appended to `out`.
void appendQuotePlus(std::string& out, std::string_view bytes) {
    for (char c : bytes) {
        auto b = static_cast<unsigned char>(c);
        if (c == ' ') {
            out += '+';
        } else if (kAlwaysSafe[b]) {
            out += c;
        } else {
            out += '%';
            out += kHexUpper[b >> 4];
            out += kHexUpper[b & 0xF];
        }
    }
}

// urllib.parse.unquote_to_bytes: valid %XX escapes decoded, anything else kept as is.
std::string unquoteToBytes(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int hi = hexValue(s[i + 1]);
            int lo = hexValue(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

// WHATWG (and w3lib's _strip): leading and trailing C0 controls and spaces go, and so do
// tabs and newlines anywhere.
std::string stripUrl(std::string_view url) {
    auto isC0OrSpace = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
    while (!url.empty() && isC0OrSpace(url.front())) url.remove_prefix(1);
    while (!url.empty() && isC0OrSpace(url.back())) url.remove_suffix(1);
    std::string out;
    out.reserve(url.size());
    for (char c : url) {
        if (c != '\t' && c != '\n' && c != '\r') out += c;
    }
    return out;
}

// IDNA for one host name, UTF-8 in, ASCII out; std::nullopt when the name is not valid.
// Python's "idna" codec is IDNA 2003; TR46 transitional processing maps names the same way
// for everything but a few exotic code points.
std::optional<std::string> idnaEncode(const std::string& name) {
    char* out = nullptr;
    int rc = idn2_to_ascii_8z(name.c_str(), &out, IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
    if (rc != IDN2_OK || out == nullptr) return std::nullopt;
    std::string result(out);
    idn2_free(out);
    return result;
}

// Python's "idna" codec applied to a whole netloc as w3lib does (label by label, split on
// '.'); on failure w3lib keeps the netloc unchanged, and so do we. ASCII labels pass
// through untouched.
std::string idnaNetloc(const std::string& netloc) {
    if (isAscii(netloc)) return netloc;
    std::string out;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = netloc.find('.', start);
        std::string label =
            netloc.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (isAscii(label)) {
            out += label;
        } else {
            auto encoded = idnaEncode(label);
            if (!encoded) return netloc;
            out += *encoded;
        }
        if (dot == std::string::npos) break;
        out += '.';
        start = dot + 1;
    }
    return out;
}

// ---------------------------------------------------------------------------------------
// urllib.parse.urlsplit / urlparse as Python 3.11 (Debian 12) implements them.

struct SplitUrl {
    std::string scheme;
    std::string netloc;
    std::string path;
    std::string query;
    std::string fragment;
};

constexpr std::string_view kSchemeChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.";

// Python's ipaddress.ip_address() on a bracketed host: IPv6 (with an optional %zone) is
// valid; IPv4 in brackets and anything else is not.
bool isValidBracketedHost(const std::string& host) {
    if (!host.empty() && host[0] == 'v') {
        // IPvFuture: v<hex>+ "." <anything>+
        std::size_t i = 1;
        while (i < host.size() && hexValue(host[i]) >= 0) ++i;
        return i > 1 && i < host.size() && host[i] == '.' && i + 1 < host.size();
    }
    std::string address = host.substr(0, host.find('%'));
    if (host.find('%') != std::string::npos && host.size() == address.size() + 1) return false;
    in6_addr parsed{};
    return inet_pton(AF_INET6, address.c_str(), &parsed) == 1;
}

// _check_bracketed_netloc: text around a bracketed host must be nothing or ":port".
bool bracketedNetlocIsValid(const std::string& netloc) {
    std::size_t at = netloc.rfind('@');
    std::string hostPort = at == std::string::npos ? netloc : netloc.substr(at + 1);
    std::size_t open = hostPort.find('[');
    if (open == std::string::npos) return true;
    if (open != 0) return false;
    std::size_t close = hostPort.find(']', open);
    std::string host = hostPort.substr(1, close == std::string::npos ? std::string::npos
                                                                     : close - 1);
    if (close != std::string::npos) {
        std::string after = hostPort.substr(close + 1);
        if (!after.empty() && after[0] != ':') return false;
    }
    return isValidBracketedHost(host);
}

std::optional<SplitUrl> pyUrlsplit(std::string_view input) {
    std::string url;
    std::size_t first = 0;
    while (first < input.size() && static_cast<unsigned char>(input[first]) <= 0x20) ++first;
    for (char c : input.substr(first)) {
        if (c != '\t' && c != '\n' && c != '\r') url += c;
    }
    SplitUrl parts;
    std::size_t colon = url.find(':');
    if (colon != std::string::npos && colon > 0 && isAsciiAlpha(url[0]) &&
        url.find_first_not_of(kSchemeChars) >= colon) {
        parts.scheme = asciiLowered(std::string_view(url).substr(0, colon));
        url.erase(0, colon + 1);
    }
    if (url.compare(0, 2, "//") == 0) {
        std::size_t end = url.find_first_of("/?#", 2);
        if (end == std::string::npos) end = url.size();
        parts.netloc = url.substr(2, end - 2);
        url.erase(0, end);
        bool open = parts.netloc.find('[') != std::string::npos;
        bool close = parts.netloc.find(']') != std::string::npos;
        if (open != close) return std::nullopt;
        if (open && !bracketedNetlocIsValid(parts.netloc)) return std::nullopt;
    }
    if (std::size_t hash = url.find('#'); hash != std::string::npos) {
        parts.fragment = url.substr(hash + 1);
        url.erase(hash);
    }
    if (std::size_t question = url.find('?'); question != std::string::npos) {
        parts.query = url.substr(question + 1);
        url.erase(question);
    }
    parts.path = std::move(url);
    return parts;
}

// urlparse's extra split of ";params" off the last path segment, for the schemes in
// urllib.parse.uses_params.
bool usesParams(std::string_view scheme) {
    static constexpr std::array<std::string_view, 15> kSchemes = {
        "",    "ftp",  "hdl",  "prospero", "http", "imap", "https", "shttp",
        "rtsp", "rtspu", "sip", "sips",     "mms",  "sftp", "tel"};
    return std::find(kSchemes.begin(), kSchemes.end(), scheme) != kSchemes.end();
}

bool usesNetloc(std::string_view scheme) {
    static constexpr std::array<std::string_view, 25> kSchemes = {
        "",      "ftp",    "http",   "gopher", "nntp",    "telnet", "imap",
        "wais",  "file",   "mms",    "https",  "shttp",   "snews",  "prospero",
        "rtsp",  "rtspu",  "rsync",  "svn",    "svn+ssh", "sftp",   "nfs",
        "git",   "git+ssh", "ws",    "wss"};
    return std::find(kSchemes.begin(), kSchemes.end(), scheme) != kSchemes.end();
}

std::pair<std::string, std::string> splitParams(const std::string& path) {
    std::size_t semicolon;
    if (std::size_t slash = path.rfind('/'); slash != std::string::npos) {
        semicolon = path.find(';', slash);
    } else {
        semicolon = path.find(';');
    }
    if (semicolon == std::string::npos) return {path, ""};
    return {path.substr(0, semicolon), path.substr(semicolon + 1)};
}

// urllib.parse.urlunsplit, with urlunparse's ";params" already folded into `path`.
std::string pyUrlunsplit(const std::string& scheme, const std::string& netloc,
                         std::string path, const std::string& query,
                         const std::string& fragment) {
    if (!netloc.empty() || (!scheme.empty() && usesNetloc(scheme) && path.compare(0, 2, "//"))) {
        if (!path.empty() && path[0] != '/') path.insert(0, "/");
        path.insert(0, "//" + netloc);
    }
    std::string url;
    if (!scheme.empty()) url = scheme + ":";
    url += path;
    if (!query.empty()) url += "?" + query;
    if (!fragment.empty()) url += "#" + fragment;
    return url;
}

// ---------------------------------------------------------------------------------------
// libcurl's URL handle, owned.

struct CurluDeleter {
    void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using CurlUrl = std::unique_ptr<CURLU, CurluDeleter>;

struct CurlString {
    char* text = nullptr;
    CurlString() = default;
    CurlString(const CurlString&) = delete;
    CurlString& operator=(const CurlString&) = delete;
    ~CurlString() { curl_free(text); }
};

std::optional<std::string> getPart(CURLU* handle, CURLUPart part, unsigned flags = 0) {
    CurlString value;
    if (curl_url_get(handle, part, &value.text, flags) != CURLUE_OK || value.text == nullptr) {
        return std::nullopt;
    }
    return std::string(value.text);
}

constexpr unsigned kLenientSet = CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE;

// Parses an absolute URL; nullopt (and the reason in `error`) when libcurl refuses it.
CurlUrl parseAbsolute(const std::string& url, std::string* error = nullptr) {
    // libcurl reads C strings: a NUL would silently cut the URL short.
    if (url.find('\0') != std::string::npos) {
        if (error) *error = "the URL contains a NUL byte";
        return nullptr;
    }
    CurlUrl handle(curl_url());
    if (!handle) {
        if (error) *error = "out of memory";
        return nullptr;
    }
    CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), kLenientSet);
    if (rc != CURLUE_OK) {
        if (error) *error = curl_url_strerror(rc);
        return nullptr;
    }
    return handle;
}

// Puts a non-ASCII host into punycode, so every URL we hand out is plain ASCII. libcurl's
// own CURLU_PUNYCODE depends on the process locale, which a library must not rely on.
bool asciiHost(CURLU* handle) {
    auto host = getPart(handle, CURLUPART_HOST);
    if (!host) return true;
    if (isAscii(*host)) return true;
    auto encoded = idnaEncode(*host);
    if (!encoded) return false;
    return curl_url_set(handle, CURLUPART_HOST, encoded->c_str(), 0) == CURLUE_OK;
}

std::optional<std::string> serialise(CURLU* handle) {
    if (!asciiHost(handle)) return std::nullopt;
    return getPart(handle, CURLUPART_URL);
}

// The scheme of `url` if it starts with one (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" /
// "." ) ":"), lower-cased; "" otherwise.
std::string schemeOf(std::string_view url) {
    std::size_t colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0 || !isAsciiAlpha(url[0])) return "";
    if (url.substr(0, colon).find_first_not_of(kSchemeChars) != std::string_view::npos) {
        return "";
    }
    return asciiLowered(url.substr(0, colon));
}

}  // namespace

namespace {

// Characters a link may contain for UrlJoiner's fast path: ones libcurl would neither
// encode nor reject, so resolving by hand gives its exact output.
const ByteSet kPlainLinkChars = makeSet("/?#&=;%:@!$'()*+,");

bool isPlainRelativeLink(std::string_view link) {
    if (link.empty() || link[0] == '#' || link.substr(0, 2) == "//") return false;
    for (char c : link) {
        if (!kPlainLinkChars[static_cast<unsigned char>(c)]) return false;
    }
    // A ':' before any '/', '?' or '#' could start a scheme ("http:g", "mailto:x").
    std::size_t colon = link.find(':');
    return colon == std::string_view::npos || colon > link.find_first_of("/?#");
}

// RFC 3986 section 5.2.4.
std::string removeDotSegments(std::string_view path) {
    std::vector<std::string_view> segments;
    bool trailingSlash = false;
    std::size_t start = 1;  // path starts with '/'
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        std::string_view segment = path.substr(start, end - start);
        bool last = end == path.size();
        if (segment == ".") {
            trailingSlash = last;
        } else if (segment == "..") {
            if (!segments.empty()) segments.pop_back();
            trailingSlash = last;
        } else {
            segments.push_back(segment);
            trailingSlash = false;
        }
        start = end + 1;
    }
    std::string out;
    for (std::string_view segment : segments) {
        out += '/';
        out += segment;
    }
    if (trailingSlash || out.empty()) out += '/';
    return out;
}

}  // namespace

UrlJoiner::UrlJoiner(std::string_view base) : base_(stripUrl(base)) {
    CurlUrl handle = parseAbsolute(base_);
    if (!handle) return;
    valid_ = true;
    auto serialised = serialise(handle.get());
    if (!serialised) return;
    // libcurl's own serialisation: "scheme://authority/path?query#fragment", path always
    // present, so the authority ends at the first '/' after "://".
    std::size_t authority = serialised->find("://");
    if (authority == std::string::npos) return;
    std::size_t pathStart = serialised->find('/', authority + 3);
    if (pathStart == std::string::npos) return;
    std::string rest = serialised->substr(pathStart);
    rest.erase(std::min(rest.find('#'), rest.size()));
    std::size_t question = rest.find('?');
    if (question != std::string::npos) {
        query_ = rest.substr(question + 1);
        hasQuery_ = true;
        rest.erase(question);
    }
    prefix_ = serialised->substr(0, pathStart);
    path_ = std::move(rest);
}

std::optional<std::string> UrlJoiner::join(std::string_view ref) const {
    if (!valid_) return std::nullopt;
    std::string link = stripUrl(ref);
    if (prefix_.empty() || !isPlainRelativeLink(link)) return detail::urljoinWithCurl(base_, link);

    std::string_view rest = link;
    std::string_view fragment;
    if (std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
        fragment = rest.substr(hash + 1);
        rest = rest.substr(0, hash);
    }
    std::string_view query;
    bool hasQuery = false;
    if (std::size_t question = rest.find('?'); question != std::string_view::npos) {
        query = rest.substr(question + 1);
        hasQuery = true;
        rest = rest.substr(0, question);
    }
    std::string result = prefix_;
    if (rest.empty()) {
        // A link of just "?" or "?#f" keeps the base's query, as Python's urljoin does.
        result += path_;
        if (query.empty() && hasQuery_) {
            query = query_;
            hasQuery = true;
        }
    } else if (rest[0] == '/') {
        result += removeDotSegments(rest);
    } else {
        std::string merged = path_.substr(0, path_.rfind('/') + 1);
        merged += rest;
        result += removeDotSegments(merged);
    }
    // libcurl drops an empty query or fragment; so do we, to give its exact string.
    if (hasQuery && !query.empty()) {
        result += '?';
        result += query;
    }
    if (!fragment.empty()) {
        result += '#';
        result += fragment;
    }
    return result;
}

std::optional<std::string> urljoin(std::string_view base, std::string_view ref) {
    return UrlJoiner(base).join(ref);
}

std::optional<std::string> detail::urljoinWithCurl(std::string_view base, std::string_view ref) {
    CurlUrl handle = parseAbsolute(stripUrl(base));
    if (!handle) return std::nullopt;
    std::string link = stripUrl(ref);
    if (link.find('\0') != std::string::npos) return std::nullopt;

    // libcurl 7.88 drops the base's path for "" and "#frag" and its query for "?" and
    // "?#frag", where Python keeps them (RFC 3986 too, but for the empty query): those are
    // resolved here.
    if (link.size() >= 2 && link[0] == '?' && link[1] == '#') link.erase(0, 1);
    if (link.empty() || link == "?" || link == "#") {
        curl_url_set(handle.get(), CURLUPART_FRAGMENT, nullptr, 0);
        return serialise(handle.get());
    }
    if (link[0] == '#') {
        if (curl_url_set(handle.get(), CURLUPART_FRAGMENT, link.c_str() + 1, CURLU_URLENCODE) !=
            CURLUE_OK) {
            return std::nullopt;
        }
        return serialise(handle.get());
    }

    std::string scheme = schemeOf(link);
    if (!scheme.empty()) {
        std::string_view rest = std::string_view(link).substr(scheme.size() + 1);
        auto baseScheme = getPart(handle.get(), CURLUPART_SCHEME);
        if (rest.substr(0, 2) != "//") {
            // "http:g" against an http base is relative (Python's urljoin); "mailto:x",
            // "javascript:x" and the like are opaque and returned as they are.
            if (!baseScheme || *baseScheme != scheme) return link;
            link = std::string(rest);
            if (link.empty()) {
                curl_url_set(handle.get(), CURLUPART_FRAGMENT, nullptr, 0);
                return serialise(handle.get());
            }
        }
    }
    if (curl_url_set(handle.get(), CURLUPART_URL, link.c_str(), kLenientSet) != CURLUE_OK) {
        return std::nullopt;
    }
    return serialise(handle.get());
}

std::optional<std::string> httpUrlError(std::string_view url) {
    if (splitPlainHttpUrl(url)) return std::nullopt;
    return detail::httpUrlErrorGeneral(url);
}

std::optional<std::string> detail::httpUrlErrorGeneral(std::string_view url) {
    std::string text = stripUrl(url);
    if (text.empty()) return "empty URL";
    std::string scheme = schemeOf(text);
    if (scheme.empty()) return "missing scheme in URL '" + text + "'";
    if (scheme != "http" && scheme != "https") {
        return "unsupported scheme '" + scheme + "' in URL '" + text +
               "' (only http and https are fetched)";
    }
    std::string error;
    CurlUrl handle = parseAbsolute(text, &error);
    if (!handle) return "malformed URL '" + text + "': " + error;
    auto host = getPart(handle.get(), CURLUPART_HOST);
    if (!host || host->empty()) return "no host in URL '" + text + "'";
    return std::nullopt;
}

bool isHttpUrl(std::string_view url) { return !httpUrlError(url).has_value(); }

std::string hostOf(std::string_view url) {
    if (auto plain = splitPlainHttpUrl(url)) return asciiLowered(plain->host);
    return detail::hostOfGeneral(url);
}

std::string detail::hostOfGeneral(std::string_view url) {
    CurlUrl handle = parseAbsolute(stripUrl(url));
    if (!handle) return "";
    auto host = getPart(handle.get(), CURLUPART_HOST);
    if (!host) return "";
    if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
        return asciiLowered(std::string_view(*host).substr(1, host->size() - 2));
    }
    if (!isAscii(*host)) {
        auto encoded = idnaEncode(*host);
        return encoded ? asciiLowered(*encoded) : "";
    }
    return asciiLowered(*host);
}

namespace {

// canonicalize_url's step 1: the query as (name, value) byte pairs (w3lib's
// parse_qsl_to_bytes with blank values kept), sorted, and encoded back the way
// urllib.parse.urlencode does. `query` is already quoted with the safe characters.
std::string sortedQueryOf(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> arguments;
    std::size_t start = 0;
    while (start <= query.size()) {
        std::size_t end = query.find_first_of("&;", start);
        if (end == std::string_view::npos) end = query.size();
        std::string_view field = query.substr(start, end - start);
        if (!field.empty()) {
            std::size_t equals = field.find('=');
            std::string name(field.substr(0, equals));
            std::string value(equals == std::string_view::npos ? std::string_view()
                                                                 : field.substr(equals + 1));
            std::replace(name.begin(), name.end(), '+', ' ');
            std::replace(value.begin(), value.end(), '+', ' ');
            arguments.emplace_back(unquoteToBytes(name), unquoteToBytes(value));
        }
        start = end + 1;
    }
    std::sort(arguments.begin(), arguments.end());
    std::string sortedQuery;
    for (const auto& [name, value] : arguments) {
        if (!sortedQuery.empty()) sortedQuery += '&';
        appendQuotePlus(sortedQuery, name);
        sortedQuery += '=';
        appendQuotePlus(sortedQuery, value);
    }
    return sortedQuery;
}

// canonicalize_url's step 2: the path (already quoted with the path-safe characters)
// decoded and encoded again; %2F and %3F stay escaped so that decoding never creates a new
// path separator or query start. An empty path becomes "/".
std::string normalisedPathOf(std::string_view path) {
    std::string protectedPath;
    protectedPath.reserve(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%' && i + 2 < path.size()) {
            char a = path[i + 1];
            char b = asciiLower(path[i + 2]);
            if ((a == '2' && b == 'f') || (a == '3' && b == 'f')) {
                protectedPath += "%25";
                protectedPath += a;
                protectedPath += static_cast<char>(b - 'a' + 'A');
                i += 2;
                continue;
            }
        }
        protectedPath += path[i];
    }
    std::string normalised = quote(unquoteToBytes(protectedPath), kPathSafeChars);
    if (normalised.empty()) normalised = "/";
    return normalised;
}

// Characters a plain URL's path, query and fragment may hold: ones w3lib's quoting keeps
// and libcurl accepts, so each general function's result follows from the split alone.
// '%' and '+' are decoded by canonicalisation: a path or query holding them takes the
// general normalisation (on the split parts, so still without a second parse).
const ByteSet kPlainUrlChars = makeSet("/?#&=:@!$'()*,%+");

// Characters of a plain URL's host (RFC 3986 unreserved minus '~').
const ByteSet kPlainHostChars = makeSet("", "~");

// Whether libcurl keeps `host` (plain host characters only) exactly as written. Its
// ipv4_normalize() rewrites hosts that read as numbers ("127.1", "0x7f.0.0.1", "010.0.0.1")
// into dotted decimal, but gives up at the first label that does not start with a digit;
// a dotted quad already in canonical form is rewritten into itself.
bool libcurlKeepsHost(std::string_view host) {
    bool quad = true;          // still a candidate canonical dotted quad
    int labels = 0;
    int value = 0;             // of the current label, while it can be a quad's
    std::size_t length = 0;    // of the current label
    for (std::size_t i = 0; i <= host.size(); ++i) {
        if (i == host.size() || host[i] == '.') {
            if (length == 0 || value > 255) quad = false;
            ++labels;
            length = 0;
            value = 0;
            continue;
        }
        char c = host[i];
        if (!isAsciiDigit(c)) {
            if (length == 0) return true;  // a label starting with a non-digit: a name
            quad = false;
        } else if ((length == 1 && value == 0) || length >= 3) {
            quad = false;  // a leading zero or a fourth digit
        } else {
            value = value * 10 + (c - '0');
        }
        ++length;
    }
    return quad && labels == 4;
}

}  // namespace

std::optional<PlainHttpUrl> splitPlainHttpUrl(std::string_view url) {
    // One pass over the bytes: this runs for every link a crawl extracts.
    PlainHttpUrl parts;
    const std::size_t size = url.size();
    std::size_t at;
    if (size >= 7 && url[0] == 'h' && url[1] == 't' && url[2] == 't' && url[3] == 'p') {
        at = url[4] == 's' ? 5 : 4;
    } else {
        return std::nullopt;
    }
    if (size < at + 3 || url[at] != ':' || url[at + 1] != '/' || url[at + 2] != '/') {
        return std::nullopt;
    }
    parts.scheme = url.substr(0, at);
    at += 3;
    std::size_t end = at;
    while (end < size && kPlainHostChars[static_cast<unsigned char>(url[end])]) ++end;
    parts.host = url.substr(at, end - at);
    if (parts.host.empty() || !libcurlKeepsHost(parts.host)) return std::nullopt;
    if (end < size && url[end] == ':') {
        at = ++end;
        unsigned value = 0;
        while (end < size && isAsciiDigit(url[end]) && end - at < 6) {
            value = value * 10 + static_cast<unsigned>(url[end] - '0');
            ++end;
        }
        parts.port = url.substr(at, end - at);
        // No leading zero: libcurl would print the port back without it (and 0 is no port).
        if (parts.port.empty() || parts.port.size() > 5 || parts.port[0] == '0' ||
            value > 65535) {
            return std::nullopt;
        }
    }
    // The rest: only plain characters; urlsplit's order, the fragment at the first '#',
    // then the query at the first '?' before it.
    std::size_t question = std::string_view::npos;
    std::size_t hash = std::string_view::npos;
    const std::size_t pathStart = end;
    if (end < size && url[end] != '/' && url[end] != '?' && url[end] != '#') {
        return std::nullopt;
    }
    for (; end < size; ++end) {
        char c = url[end];
        if (!kPlainUrlChars[static_cast<unsigned char>(c)]) return std::nullopt;
        if (c == '?' && question == std::string_view::npos && hash == std::string_view::npos) {
            question = end;
        } else if (c == '#' && hash == std::string_view::npos) {
            hash = end;
        }
    }
    std::size_t pathEnd = std::min({question, hash, size});
    parts.path = url.substr(pathStart, pathEnd - pathStart);
    if (question != std::string_view::npos) {
        std::size_t queryEnd = std::min(hash, size);
        parts.query = url.substr(question + 1, queryEnd - question - 1);
    }
    if (hash != std::string_view::npos) parts.fragment = url.substr(hash + 1);
    return parts;
}

void appendCanonicalUrl(std::string& out, const PlainHttpUrl& url, bool keepFragments) {
    // canonicalizeUrlGeneral() with every step that is the identity on plain characters
    // left out: what remains is lower-casing, "/" for an empty path and the query sort.
    out += url.scheme;
    out += "://";
    std::size_t hostStart = out.size();
    out += url.host;
    std::transform(out.begin() + static_cast<std::ptrdiff_t>(hostStart), out.end(),
                   out.begin() + static_cast<std::ptrdiff_t>(hostStart), asciiLower);
    if (!url.port.empty()) {
        out += ':';
        out += url.port;
    }
    if (url.path.empty()) {
        out += '/';
    } else if (url.path.find('%') != std::string_view::npos) {
        out += normalisedPathOf(url.path);
    } else {
        out += url.path;
    }
    if (url.query.find_first_of("%+") != std::string_view::npos) {
        std::string sorted = sortedQueryOf(url.query);
        if (!sorted.empty()) {
            out += '?';
            out += sorted;
        }
    } else if (!url.query.empty()) {
        // sortedQueryOf() without its copies: no '+' nor '%' to decode. Byte order of the
        // views is the order of the (name, value) byte strings w3lib sorts.
        std::vector<std::pair<std::string_view, std::string_view>> arguments;
        std::size_t start = 0;
        while (start <= url.query.size()) {
            std::size_t end = url.query.find('&', start);
            if (end == std::string_view::npos) end = url.query.size();
            std::string_view field = url.query.substr(start, end - start);
            if (!field.empty()) {
                std::size_t equals = field.find('=');
                if (equals == std::string_view::npos) {
                    arguments.emplace_back(field, std::string_view());
                } else {
                    arguments.emplace_back(field.substr(0, equals), field.substr(equals + 1));
                }
            }
            start = end + 1;
        }
        std::sort(arguments.begin(), arguments.end());
        char separator = '?';
        for (const auto& [name, value] : arguments) {
            out += separator;
            separator = '&';
            appendQuotePlus(out, name);
            out += '=';
            appendQuotePlus(out, value);
        }
    }
    if (keepFragments && !url.fragment.empty()) {
        out += '#';
        out += url.fragment;
    }
}

bool domainMatches(std::string_view host, std::string_view allowedDomain) {
    if (allowedDomain.empty() || host.size() < allowedDomain.size()) return false;
    if (host == allowedDomain) return true;  // the usual case, without case folding
    auto equalIgnoringCase = [](std::string_view a, std::string_view b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                          [](char x, char y) { return asciiLower(x) == asciiLower(y); });
    };
    if (host.size() == allowedDomain.size()) return equalIgnoringCase(host, allowedDomain);
    std::size_t start = host.size() - allowedDomain.size();
    return host[start - 1] == '.' && equalIgnoringCase(host.substr(start), allowedDomain);
}

std::optional<std::string> canonicalizeUrl(std::string_view url, bool keepFragments) {
    if (auto plain = splitPlainHttpUrl(url)) {
        std::string out;
        appendCanonicalUrl(out, *plain, keepFragments);
        return out;
    }
    return detail::canonicalizeUrlGeneral(url, keepFragments);
}

std::optional<std::string> detail::canonicalizeUrlGeneral(std::string_view url,
                                                          bool keepFragments) {
    // canonicalize_url: _strip, urlparse, _safe_ParseResult, then per-part normalisation.
    auto split = pyUrlsplit(stripUrl(url));
    if (!split) return std::nullopt;
    std::string params;
    if (usesParams(split->scheme) && split->path.find(';') != std::string::npos) {
        std::tie(split->path, params) = splitParams(split->path);
    }
    std::string netloc = idnaNetloc(split->netloc);
    std::string path = quote(split->path, kPathSafeChars);
    params = quote(params, kSafeChars);
    std::string query = quote(split->query, kSafeChars);
    std::string fragment = quote(split->fragment, kSafeChars);

    std::string sortedQuery = sortedQueryOf(query);
    path = normalisedPathOf(path);

    std::string host = asciiLowered(netloc);
    while (!host.empty() && host.back() == ':') host.pop_back();
    if (!params.empty()) path += ";" + params;
    return pyUrlunsplit(split->scheme, host, path, sortedQuery,
                        keepFragments ? fragment : std::string());
}

std::optional<std::string> safeUrlString(std::string_view url) {
    auto split = pyUrlsplit(stripUrl(url));
    if (!split) return std::nullopt;

    // SplitResult's username/password/hostname/port properties.
    const std::string& netlocIn = split->netloc;
    std::size_t at = netlocIn.rfind('@');
    std::optional<std::string> username;
    std::optional<std::string> password;
    if (at != std::string::npos) {
        std::string userinfo = netlocIn.substr(0, at);
        std::size_t colon = userinfo.find(':');
        username = userinfo.substr(0, colon);
        if (colon != std::string::npos) password = userinfo.substr(colon + 1);
    }
    std::string hostinfo = at == std::string::npos ? netlocIn : netlocIn.substr(at + 1);
    std::string hostname;
    std::string port;
    if (std::size_t open = hostinfo.find('['); open != std::string::npos) {
        std::string bracketed = hostinfo.substr(open + 1);
        std::size_t close = bracketed.find(']');
        hostname = bracketed.substr(0, close);
        if (close != std::string::npos) {
            std::string after = bracketed.substr(close + 1);
            std::size_t colon = after.find(':');
            if (colon != std::string::npos) port = after.substr(colon + 1);
        }
    } else {
        std::size_t colon = hostinfo.find(':');
        hostname = hostinfo.substr(0, colon);
        if (colon != std::string::npos) port = hostinfo.substr(colon + 1);
    }
    std::optional<unsigned> portNumber;
    if (!port.empty()) {
        if (!std::all_of(port.begin(), port.end(), isAsciiDigit)) return std::nullopt;
        std::size_t digits = port.find_first_not_of('0');
        if (digits == std::string::npos) {
            portNumber = 0;
        } else if (port.size() - digits > 5 || std::stoul(port.substr(digits)) > 65535) {
            return std::nullopt;
        } else {
            portNumber = static_cast<unsigned>(std::stoul(port.substr(digits)));
        }
    }

    std::string netloc;
    if (username || password) {
        if (username) netloc += quote(unquoteToBytes(*username), kUserinfoSafestChars);
        if (password) netloc += ":" + quote(unquoteToBytes(*password), kUserinfoSafestChars);
        netloc += "@";
    }
    if (!hostname.empty()) {
        std::string zone;
        if (std::size_t percent = hostname.find('%'); percent != std::string::npos) {
            zone = hostname.substr(percent);
            hostname.erase(percent);
        }
        hostname = asciiLowered(hostname) + zone;
        if (isAscii(hostname)) {
            netloc += hostname;
        } else {
            auto encoded = idnaEncode(hostname);
            netloc += encoded ? *encoded : hostname;
        }
    }
    if (portNumber) netloc += ":" + std::to_string(*portNumber);

    static constexpr std::array<std::string_view, 6> kSpecialSchemes = {
        "ftp", "file", "http", "https", "ws", "wss"};
    bool special = std::find(kSpecialSchemes.begin(), kSpecialSchemes.end(), split->scheme) !=
                   kSpecialSchemes.end();
    return pyUrlunsplit(split->scheme, netloc, quote(split->path, kPathSafestChars),
                        quote(split->query, special ? kSpecialQuerySafestChars
                                                    : kPathSafestChars),
                        quote(split->fragment, kPathSafestChars));
}

}  // namespace spider
