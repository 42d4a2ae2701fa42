#define PCRE2_CODE_UNIT_WIDTH 8
#include "selectors/regex.h"

#include <pcre2.h>

#include <array>
#include <cstdint>
#include <optional>

#include "data/utf8.h"
#include "selectors/html_entities.h"
#include "selectors/selector_errors.h"

namespace spider {
namespace {

bool isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Rewrites the few Python spellings PCRE2 reads differently or not at all. Everything
// else (groups, (?P<name>...), (?P=name), lookarounds, classes) means the same in both.
std::string translatePythonPattern(std::string_view p) {
    std::string out;
    out.reserve(p.size() + 8);
    bool inClass = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            char e = p[i + 1];
            if (e == 'Z' && !inClass) {
                out += "\\z";  // Python's \Z is the absolute end
                ++i;
                continue;
            }
            std::size_t hexLen = e == 'u' ? 4 : e == 'U' ? 8 : 0;
            if (hexLen != 0 && i + 2 + hexLen <= p.size()) {
                bool allHex = true;
                for (std::size_t k = 0; k < hexLen; ++k) allHex = allHex && isHexDigit(p[i + 2 + k]);
                if (allHex) {
                    out += "\\x{";
                    out.append(p.substr(i + 2, hexLen));
                    out += '}';
                    i += 1 + hexLen;
                    continue;
                }
            }
            out += c;
            out += e;
            ++i;
            continue;
        }
        if (inClass) {
            if (c == ']') inClass = false;
            out += c;
            continue;
        }
        if (c == '[') {
            inClass = true;
            out += c;
            // A ']' right after '[' or '[^' is a literal member, in both dialects.
            if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
            if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
            continue;
        }
        if (c == '{' && i + 1 < p.size() && p[i + 1] == ',') {
            // Python reads {,n} as {0,n}; PCRE2 10.42 as literal text.
            std::size_t j = i + 2;
            while (j < p.size() && isDigit(p[j])) ++j;
            if (j > i + 2 && j < p.size() && p[j] == '}') {
                out += "{0";
                continue;
            }
        }
        out += c;
    }
    return out;
}

std::string pcreMessage(int code) {
    std::array<PCRE2_UCHAR, 256> buffer{};
    pcre2_get_error_message(code, buffer.data(), buffer.size());
    return reinterpret_cast<const char*>(buffer.data());
}

using detail::appendUtf8;

// Windows-1252 for 0x80-0x9F; 0 where that code page leaves the byte undefined.
constexpr std::array<char32_t, 32> kCp1252High{
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

struct Regex::Impl {
    std::string pattern;
    pcre2_code* code = nullptr;
    pcre2_match_data* matchData = nullptr;
    std::uint32_t groups = 0;
    int extractGroup = -1;

    ~Impl() {
        pcre2_match_data_free(matchData);
        pcre2_code_free(code);
    }

    // Calls onMatch(ovector, groupsSet) for each match, Python findall()-style.
    template <typename F>
    void forEachMatch(std::string_view text, bool firstOnly, F&& onMatch) const {
        const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
        std::size_t offset = 0;
        std::uint32_t options = 0;
        while (offset <= text.size()) {
            int rc = pcre2_match(code, subject, text.size(), offset, options, matchData, nullptr);
            if (rc == PCRE2_ERROR_NOMATCH) return;
            if (rc < 0) throw RegexError("regex /" + pattern + "/ failed: " + pcreMessage(rc));
            const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(matchData);
            onMatch(ov, rc);
            if (firstOnly) return;
            std::size_t start = ov[0];
            std::size_t end = ov[1];
            if (end < offset) return;  // no progress (only a \K trick could do this)
            // After an empty match, the next one may not be empty at the same place
            // (Python's rule; PCRE2_NOTEMPTY_ATSTART is exactly that).
            options = (end == start) ? PCRE2_NOTEMPTY_ATSTART : 0;
            offset = end;
        }
    }
};

Regex::Regex(std::string_view pattern) : impl_(std::make_unique<Impl>()) {
    impl_->pattern = std::string(pattern);
    const std::string translated = translatePythonPattern(pattern);
    pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
    pcre2_set_newline(context, PCRE2_NEWLINE_LF);
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    impl_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                PCRE2_UTF | PCRE2_UCP, &errorCode, &errorOffset, context);
    pcre2_compile_context_free(context);
    if (impl_->code == nullptr) {
        throw RegexError("invalid regular expression /" + impl_->pattern + "/: " +
                         pcreMessage(errorCode) + " at offset " + std::to_string(errorOffset));
    }
    // JIT is an optimisation only: where it is unavailable pcre2_match interprets.
    pcre2_jit_compile(impl_->code, PCRE2_JIT_COMPLETE);
    impl_->matchData = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
    pcre2_pattern_info(impl_->code, PCRE2_INFO_CAPTURECOUNT, &impl_->groups);
    impl_->extractGroup =
        pcre2_substring_number_from_name(impl_->code, reinterpret_cast<PCRE2_SPTR>("extract"));
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

const std::string& Regex::pattern() const { return impl_->pattern; }

std::vector<std::string> Regex::findAll(std::string_view text) const {
    std::vector<std::string> out;
    const std::uint32_t groups = impl_->groups;
    impl_->forEachMatch(text, false, [&](const PCRE2_SIZE* ov, int setPairs) {
        if (groups == 0) {
            out.emplace_back(text.substr(ov[0], ov[1] - ov[0]));
            return;
        }
        for (std::uint32_t g = 1; g <= groups; ++g) {
            bool set = static_cast<int>(g) < setPairs && ov[2 * g] != PCRE2_UNSET;
            out.emplace_back(set ? text.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g]) : std::string_view());
        }
    });
    return out;
}

std::vector<std::string> Regex::extract(std::string_view text) const {
    if (impl_->extractGroup < 0) return findAll(text);
    std::vector<std::string> out;
    const auto g = static_cast<std::size_t>(impl_->extractGroup);
    impl_->forEachMatch(text, true, [&](const PCRE2_SIZE* ov, int setPairs) {
        if (static_cast<int>(g) < setPairs && ov[2 * g] != PCRE2_UNSET) {
            out.emplace_back(text.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g]));
        }
    });
    return out;
}

std::string replaceEntities(std::string_view text) {
    std::size_t amp = text.find('&');
    if (amp == std::string_view::npos) return std::string(text);
    std::string out;
    out.reserve(text.size());
    out.append(text.substr(0, amp));
    std::size_t i = amp;
    while (i < text.size()) {
        if (text[i] != '&') {
            std::size_t nextAmp = text.find('&', i);
            if (nextAmp == std::string_view::npos) nextAmp = text.size();
            out.append(text.substr(i, nextAmp - i));
            i = nextAmp;
            continue;
        }
        // &(name|#digits|#xhex);?  (w3lib's _ent_re, case-insensitive)
        std::size_t j = i + 1;
        enum class Form { None, Named, Decimal, Hex } form = Form::None;
        std::size_t bodyStart = j;
        std::size_t bodyEnd = j;
        if (j < text.size() && isAlnum(text[j])) {
            form = Form::Named;
            while (bodyEnd < text.size() && isAlnum(text[bodyEnd])) ++bodyEnd;
        } else if (j < text.size() && text[j] == '#') {
            bodyStart = bodyEnd = j + 1;
            while (bodyEnd < text.size() && isDigit(text[bodyEnd])) ++bodyEnd;
            if (bodyEnd > bodyStart) {
                form = Form::Decimal;
            } else if (j + 1 < text.size() && (text[j + 1] == 'x' || text[j + 1] == 'X')) {
                bodyStart = bodyEnd = j + 2;
                while (bodyEnd < text.size() && isHexDigit(text[bodyEnd])) ++bodyEnd;
                if (bodyEnd > bodyStart) form = Form::Hex;
            }
        }
        if (form == Form::None) {
            out += '&';
            ++i;
            continue;
        }
        const bool semicolon = bodyEnd < text.size() && text[bodyEnd] == ';';
        const std::size_t matchEnd = bodyEnd + (semicolon ? 1 : 0);
        const std::string_view body = text.substr(bodyStart, bodyEnd - bodyStart);
        const std::string_view whole = text.substr(i, matchEnd - i);
        i = matchEnd;

        std::optional<std::uint64_t> number;
        if (form == Form::Named) {
            std::string lower(body);
            for (char& c : lower)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (lower == "lt" || lower == "amp") {
                out.append(whole);
                continue;
            }
            auto cp = detail::htmlEntityCodepoint(body);
            if (!cp) cp = detail::htmlEntityCodepoint(lower);
            if (cp) number = *cp;
        } else {
            const unsigned base = form == Form::Hex ? 16 : 10;
            std::uint64_t value = 0;
            for (char c : body) {
                unsigned digit = isDigit(c) ? static_cast<unsigned>(c - '0')
                                            : static_cast<unsigned>((c | 0x20) - 'a' + 10);
                value = value * base + digit;
                if (value > 0x10FFFF) break;  // too big for chr() either way
            }
            number = value;
        }
        if (number && *number <= 0x10FFFF) {
            char32_t cp = static_cast<char32_t>(*number);
            if (cp >= 0x80 && cp <= 0x9F) cp = kCp1252High[cp - 0x80];
            if (cp != 0 || *number == 0) {
                // A lone surrogate has no UTF-8 form; it becomes U+FFFD.
                appendUtf8(out, (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp);
                continue;
            }
        }
        if (!semicolon) out.append(whole);
    }
    return out;
}

}  // namespace spider
