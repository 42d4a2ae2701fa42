#include "downloader/robots.h"

#include "data/utf8.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <unordered_map>

// Protego works on Python strings and leans on urllib.parse; the helpers below reproduce
// exactly the parts of Python it relies on (str.splitlines, str.strip, urlparse, quote and
// Protego's own _unquote), on UTF-8 bytes.

namespace spider {

namespace {

// The code point starting at text[pos] and its length, for valid UTF-8 (the text comes from
// a strictly decoded body or from our own normalisation); a stray byte counts as itself.
std::pair<char32_t, std::size_t> codePointAt(std::string_view text, std::size_t pos) {
    std::size_t next = pos;
    char32_t cp = detail::decodeUtf8(text, next);
    if (cp == detail::kInvalidCodePoint) {
        return {static_cast<unsigned char>(text[pos]), 1};
    }
    return {cp, next - pos};
}

std::size_t codePointCount(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// Python's str.isspace().
bool isPythonSpace(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Python's str.strip() with no argument.
std::string_view pyStrip(std::string_view s) {
    while (!s.empty()) {
        auto [cp, length] = codePointAt(s, 0);
        if (!isPythonSpace(cp)) {
            break;
        }
        s.remove_prefix(length);
    }
    while (!s.empty()) {
        std::size_t start = s.size() - 1;
        while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 &&
               s.size() - start < 4) {
            --start;
        }
        auto [cp, length] = codePointAt(s, start);
        if (start + length != s.size() || !isPythonSpace(cp)) {
            break;
        }
        s.remove_suffix(length);
    }
    return s;
}

// Python's str.splitlines(): \n, \r, \r\n, \v, \f, \x1c, \x1d, \x1e, U+0085, U+2028, U+2029.
std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t breakLength = 0;
        if (c == '\r') {
            breakLength = i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1;
        } else if (c == '\n' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E) {
            breakLength = 1;
        } else if (c == 0xC2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) == 0x85) {
            breakLength = 2;
        } else if (c == 0xE2 && i + 2 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
                    static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
            breakLength = 3;
        }
        if (breakLength == 0) {
            ++i;
            continue;
        }
        lines.push_back(text.substr(start, i - start));
        i += breakLength;
        start = i;
    }
    if (start < text.size()) {
        lines.push_back(text.substr(start));
    }
    return lines;
}

std::string asciiLower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string replaceAll(std::string_view s, std::string_view from, std::string_view to) {
    std::string out;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = s.find(from, pos)) != std::string_view::npos;
         pos = hit + from.size()) {
        out.append(s.substr(pos, hit - pos)).append(to);
    }
    out.append(s.substr(pos));
    return out;
}

template <std::size_t N>
bool isOneOf(std::string_view field, const std::array<std::string_view, N>& names) {
    return std::find(names.begin(), names.end(), field) != names.end();
}

constexpr std::array<std::string_view, 6> kDisallow = {"disallow", "dissallow", "dissalow",
                                                       "disalow",  "diasllow",  "disallaw"};
constexpr std::array<std::string_view, 1> kAllow = {"allow"};
constexpr std::array<std::string_view, 3> kUserAgent = {"user-agent", "useragent", "user agent"};
constexpr std::array<std::string_view, 3> kSitemap = {"sitemap", "sitemaps", "site-map"};
constexpr std::array<std::string_view, 2> kCrawlDelay = {"crawl-delay", "crawl delay"};
constexpr std::array<std::string_view, 2> kRequestRate = {"request-rate", "request rate"};
constexpr std::array<std::string_view, 1> kHost = {"host"};

bool isDirective(std::string_view field) {
    return isOneOf(field, kDisallow) || isOneOf(field, kAllow) || isOneOf(field, kUserAgent) ||
           isOneOf(field, kSitemap) || isOneOf(field, kCrawlDelay) ||
           isOneOf(field, kRequestRate) || isOneOf(field, kHost);
}

// Python's float(text) for the forms a robots.txt can plausibly hold (no underscores).
std::optional<double> parsePythonFloat(std::string_view text) {
    text = pyStrip(text);
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text.empty() || text.front() == '+' || text.front() == '-') {
        return std::nullopt;
    }
    std::string lower = asciiLower(text);
    if (lower == "inf" || lower == "infinity") {
        return negative ? -HUGE_VAL : HUGE_VAL;
    }
    if (lower == "nan") {
        return std::nan("");
    }
    if (lower.find_first_not_of("0123456789.eE+-") != std::string::npos) {
        return std::nullopt;
    }
    double value = 0;
    auto [end, error] = std::from_chars(lower.data(), lower.data() + lower.size(), value);
    if (error != std::errc() || end != lower.data() + lower.size()) {
        return std::nullopt;
    }
    return negative ? -value : value;
}

bool isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char upperHex(char c) {
    return c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c;
}

// bytes.decode("utf-8", "replace"): each maximal invalid subpart becomes one U+FFFD.
std::string decodeReplacing(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    std::size_t i = 0;
    while (i < bytes.size()) {
        unsigned char lead = at(i);
        std::size_t need = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead < 0x80) {
            out += static_cast<char>(lead);
            ++i;
            continue;
        }
        if (lead >= 0xC2 && lead <= 0xDF) {
            need = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            need = 2;
            low = lead == 0xE0 ? 0xA0 : 0x80;
            high = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            need = 3;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF;
        }
        std::size_t length = 1;
        bool complete = need > 0;
        for (std::size_t k = 1; k <= need; ++k) {
            unsigned char lo = k == 1 ? low : 0x80;
            unsigned char hi = k == 1 ? high : 0xBF;
            if (i + k >= bytes.size() || at(i + k) < lo || at(i + k) > hi) {
                complete = false;
                break;
            }
            ++length;
        }
        if (complete) {
            out.append(bytes.substr(i, length));
        } else {
            out += "\xEF\xBF\xBD";
        }
        i += length;
    }
    return out;
}

// Protego's _RuleSet._unquote(url, ignore, errors="replace").
std::string protegoUnquote(std::string_view s, std::string_view ignore) {
    if (s.find('%') == std::string_view::npos) {
        return std::string(s);
    }
    auto ignored = [&](char a, char b) {
        for (char c : ignore) {
            static constexpr char kHex[] = "0123456789ABCDEF";
            auto byte = static_cast<unsigned char>(c);
            if (kHex[byte >> 4] == a && kHex[byte & 0xF] == b) {
                return true;
            }
        }
        return false;
    };
    std::string bytes;
    std::size_t start = s.find('%');
    bytes.append(s.substr(0, start));
    while (start != std::string_view::npos) {
        std::size_t end = s.find('%', start + 1);
        std::string_view part =
            s.substr(start + 1, end == std::string_view::npos ? s.npos : end - start - 1);
        if (part.size() >= 2 && isHexDigit(part[0]) && isHexDigit(part[1])) {
            char a = upperHex(part[0]);
            char b = upperHex(part[1]);
            if (!ignored(a, b)) {
                auto value = [](char c) { return c <= '9' ? c - '0' : c - 'A' + 10; };
                bytes += static_cast<char>(value(a) * 16 + value(b));
            } else {
                bytes += '%';
                bytes += a;
                bytes += b;
            }
            bytes.append(part.substr(2));
        } else {
            bytes += '%';
            bytes.append(part);
        }
        start = end;
    }
    return decodeReplacing(bytes);
}

// urllib.parse.quote(text, safe).
std::string pyQuote(std::string_view text, std::string_view safe) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        bool keep = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                    (byte >= '0' && byte <= '9') || c == '_' || c == '.' || c == '-' || c == '~' ||
                    (byte < 0x80 && safe.find(c) != std::string_view::npos);
        if (keep) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        }
    }
    return out;
}

struct UrlParts {
    std::string scheme;
    std::string netloc;
    std::string path;
    std::string params;
    std::string query;
    std::string fragment;
};

// urllib.parse.urlparse (Python 3.11).
UrlParts pyUrlparse(std::string_view input) {
    while (!input.empty() && static_cast<unsigned char>(input.front()) <= 0x20) {
        input.remove_prefix(1);
    }
    std::string url;
    url.reserve(input.size());
    for (char c : input) {
        if (c != '\t' && c != '\r' && c != '\n') {
            url += c;
        }
    }
    UrlParts parts;
    std::size_t colon = url.find(':');
    auto isAlpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (colon != std::string::npos && colon > 0 && isAlpha(url[0])) {
        bool schemeChars =
            std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), [&](char c) {
                return isAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
            });
        if (schemeChars) {
            parts.scheme = asciiLower(std::string_view(url).substr(0, colon));
            url.erase(0, colon + 1);
        }
    }
    if (url.compare(0, 2, "//") == 0) {
        std::size_t end = url.find_first_of("/?#", 2);
        if (end == std::string::npos) {
            end = url.size();
        }
        parts.netloc = url.substr(2, end - 2);
        url.erase(0, end);
    }
    if (std::size_t hash = url.find('#'); hash != std::string::npos) {
        parts.fragment = url.substr(hash + 1);
        url.erase(hash);
    }
    if (std::size_t question = url.find('?'); question != std::string::npos) {
        parts.query = url.substr(question + 1);
        url.erase(question);
    }
    static constexpr std::array<std::string_view, 15> kUsesParams = {
        "",     "ftp",   "hdl", "prospero", "http", "imap", "https", "shttp",
        "rtsp", "rtspu", "sip", "sips",     "mms",  "sftp", "tel"};
    if (isOneOf(parts.scheme, kUsesParams) && url.find(';') != std::string::npos) {
        std::size_t semicolon;
        if (std::size_t slash = url.rfind('/'); slash != std::string::npos) {
            semicolon = url.find(';', slash);
        } else {
            semicolon = url.find(';');
        }
        if (semicolon != std::string::npos) {
            parts.params = url.substr(semicolon + 1);
            url.erase(semicolon);
        }
    }
    parts.path = std::move(url);
    return parts;
}

// urlunparse(("", "", path, params, query, fragment)).
std::string pyUrlunparse(std::string path, const UrlParts& parts) {
    if (!parts.params.empty()) {
        path += ';';
        path += parts.params;
    }
    if (!parts.query.empty()) {
        path += '?';
        path += parts.query;
    }
    if (!parts.fragment.empty()) {
        path += '#';
        path += parts.fragment;
    }
    return path;
}

// Protego's _RuleSet._quote_pattern.
std::string quotePattern(std::string_view pattern) {
    std::string last;
    if (!pattern.empty() &&
        (pattern.back() == '?' || pattern.back() == ';' || pattern.back() == '$')) {
        last = pattern.back();
        pattern.remove_suffix(1);
    }
    UrlParts parts = pyUrlparse(pattern);
    std::string path = pyQuote(protegoUnquote(parts.path, "/*$%"), "/*%");
    return pyUrlunparse(path + last, parts);
}

} // namespace

namespace detail {

std::string robotsQuotePath(std::string_view url) {
    UrlParts parts = pyUrlparse(url);
    std::string path = pyQuote(protegoUnquote(parts.path, "/%"), "/%");
    std::string result = pyUrlunparse(std::move(path), parts);
    return result.empty() ? "/" : result;
}

bool robotsPatternMatches(std::string_view pattern, std::string_view url) {
    bool hasStar = pattern.find('*') != std::string_view::npos;
    bool anchored = !pattern.empty() && pattern.back() == '$';
    if (!hasStar) {
        if (anchored) {
            return url == pattern.substr(0, pattern.size() - 1);
        }
        return url.substr(0, pattern.size()) == pattern;
    }
    // A regular expression in Protego ('*' -> '.*?', a final '$' -> end of input, matched
    // from the start): equivalent to this glob, matching the literal pieces leftmost first.
    if (anchored) {
        pattern.remove_suffix(1);
    }
    std::size_t star = pattern.find('*');
    std::string_view first = pattern.substr(0, star);
    if (url.substr(0, first.size()) != first) {
        return false;
    }
    std::size_t pos = first.size();
    pattern.remove_prefix(star + 1);
    while (true) {
        std::size_t next = pattern.find('*');
        std::string_view piece = pattern.substr(0, next);
        if (next == std::string_view::npos) {
            if (!anchored) {
                return url.find(piece, pos) != std::string_view::npos;
            }
            return url.size() >= pos + piece.size() &&
                   url.substr(url.size() - piece.size()) == piece;
        }
        std::size_t hit = url.find(piece, pos);
        if (hit == std::string_view::npos) {
            return false;
        }
        pos = hit + piece.size();
        pattern.remove_prefix(next + 1);
    }
}

} // namespace detail

void RobotsTxt::Group::add(std::string pattern, bool allow) {
    if (pattern.find('$') != std::string::npos) {
        add(replaceAll(pattern, "$", "%24"), allow);
    }
    std::string quoted = quotePattern(pattern);
    if (quoted.empty()) {
        return;
    }
    std::size_t priority = codePointCount(quoted);
    rules.push_back(Rule{quoted, allow, priority});
    // Protego: "If index.html is allowed, we interpret this as / being allowed too."
    static constexpr std::string_view kIndex = "/index.html";
    if (allow && quoted.size() >= kIndex.size() &&
        quoted.compare(quoted.size() - kIndex.size(), kIndex.size(), kIndex) == 0) {
        add(quoted.substr(0, quoted.size() - 10) + "$", true);
    }
}

bool RobotsTxt::Group::allowed(std::string_view url) const {
    std::string path = detail::robotsQuotePath(url);
    for (const Rule& rule : rules) {
        if (detail::robotsPatternMatches(rule.pattern, path)) {
            return rule.allow;
        }
    }
    return true;
}

RobotsTxt RobotsTxt::parse(std::string_view text) {
    RobotsTxt robots;
    std::unordered_map<std::string, std::size_t> byAgent;
    std::vector<std::size_t> current;
    std::optional<std::string> previousField;

    for (std::string_view line : splitLines(text)) {
        if (std::size_t hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        line = pyStrip(line);
        if (line.empty()) {
            continue;
        }
        std::string_view rawField;
        std::string joinedValue;
        std::string_view rawValue;
        if (std::size_t colon = line.find(':'); colon != std::string_view::npos) {
            rawField = line.substr(0, colon);
            rawValue = line.substr(colon + 1);
        } else {
            // Protego's second chance: "<known field> <value>" without a colon, trying
            // "a", "a b", "a b c"... as the field (case-sensitively).
            std::vector<std::string_view> words;
            for (std::size_t pos = 0;;) {
                std::size_t space = line.find(' ', pos);
                words.push_back(
                    line.substr(pos, space == std::string_view::npos ? line.npos : space - pos));
                if (space == std::string_view::npos) {
                    break;
                }
                pos = space + 1;
            }
            if (words.size() < 2) {
                continue;
            }
            bool found = false;
            std::size_t fieldEnd = words[0].size();
            for (std::size_t i = 1; i < words.size(); ++i) {
                if (isDirective(line.substr(0, fieldEnd))) {
                    rawField = line.substr(0, fieldEnd);
                    rawValue = line.substr(fieldEnd + 1);
                    found = true;
                    break;
                }
                fieldEnd += 1 + words[i].size();
            }
            if (!found) {
                continue;
            }
        }
        std::string field = asciiLower(pyStrip(rawField));
        std::string_view value = pyStrip(rawValue);

        if (value.empty()) {
            previousField = field;
            continue;
        }
        if (current.empty() && !isOneOf(field, kUserAgent) && !isOneOf(field, kSitemap)) {
            continue;
        }

        if (isOneOf(field, kUserAgent)) {
            if (previousField && !isOneOf(*previousField, kUserAgent)) {
                current.clear();
            }
            std::string agent = asciiLower(pyStrip(value));
            std::string withoutStars;
            if (agent != "*" && agent.find('*') != std::string::npos) {
                withoutStars = replaceAll(agent, "*", "");
            }
            for (const std::string* name : {&agent, &withoutStars}) {
                if (name->empty()) {
                    continue;
                }
                auto known = byAgent.find(*name);
                if (known != byAgent.end()) {
                    if (std::find(current.begin(), current.end(), known->second) == current.end()) {
                        current.push_back(known->second);
                    }
                } else {
                    byAgent.emplace(*name, robots.groups_.size());
                    current.push_back(robots.groups_.size());
                    robots.groups_.push_back(Group{*name, {}, std::nullopt});
                }
            }
        } else if (isOneOf(field, kAllow) || isOneOf(field, kDisallow)) {
            std::string pattern =
                value.front() == '/' ? std::string(value) : std::string("/").append(value);
            for (std::size_t index : current) {
                robots.groups_[index].add(pattern, isOneOf(field, kAllow));
            }
        } else if (isOneOf(field, kSitemap)) {
            robots.sitemaps_.emplace_back(value);
        } else if (isOneOf(field, kCrawlDelay)) {
            if (std::optional<double> delay = parsePythonFloat(value)) {
                for (std::size_t index : current) {
                    robots.groups_[index].crawlDelay = *delay;
                }
            }
        }
        previousField = field;
    }

    for (Group& group : robots.groups_) {
        std::stable_sort(group.rules.begin(), group.rules.end(), [](const Rule& a, const Rule& b) {
            if (a.priority != b.priority) {
                return a.priority > b.priority;
            }
            return a.allow && !b.allow;
        });
    }
    return robots;
}

RobotsTxt RobotsTxt::fromBody(std::string_view body, bool* undecodable) {
    for (std::size_t pos = 0; pos < body.size();) {
        if (detail::decodeUtf8(body, pos) == detail::kInvalidCodePoint) {
            if (undecodable) {
                *undecodable = true;
            }
            return RobotsTxt();
        }
    }
    if (undecodable) {
        *undecodable = false;
    }
    return parse(body);
}

const RobotsTxt::Group* RobotsTxt::groupFor(std::string_view userAgent) const {
    std::string name = asciiLower(pyStrip(userAgent));
    const Group* best = nullptr;
    std::size_t bestScore = 0;
    for (const Group& group : groups_) {
        std::size_t score = 0;
        if (group.agent == "*") {
            score = 1;
        } else if (name.find(group.agent) != std::string::npos) {
            score = codePointCount(group.agent);
        }
        if (score > bestScore) {
            best = &group;
            bestScore = score;
        }
    }
    return best;
}

bool RobotsTxt::allowed(std::string_view url, std::string_view userAgent) const {
    const Group* group = groupFor(userAgent);
    return group == nullptr || group->allowed(url);
}

std::optional<double> RobotsTxt::crawlDelay(std::string_view userAgent) const {
    const Group* group = groupFor(userAgent);
    return group ? group->crawlDelay : std::nullopt;
}

} // namespace spider
