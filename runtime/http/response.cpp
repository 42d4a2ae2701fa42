#include "http/response.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <utility>

#include <iconv.h>

namespace spider {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD in UTF-8
constexpr std::size_t kMetaSearchBytes = 4096;            // as w3lib

char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowerCopy(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lowerAscii);
    return out;
}

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool isCharsetChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':';
}

// Length of the valid UTF-8 sequence at s[i], or 0 if the bytes there are not one.
std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        return 1;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) {
            lo = 0xA0; // no overlong forms
        } else if (b0 == 0xED) {
            hi = 0x9F; // no surrogates
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) {
            lo = 0x90;
        } else if (b0 == 0xF4) {
            hi = 0x8F; // nothing above U+10FFFF
        }
    } else {
        return 0;
    }
    if (i + len > s.size()) {
        return 0;
    }
    if (byte(i + 1) < lo || byte(i + 1) > hi) {
        return 0;
    }
    for (std::size_t k = 2; k < len; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
            return 0;
        }
    }
    return len;
}

bool isValidUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len = utf8SequenceLength(s, i);
        if (len == 0) {
            return false;
        }
        i += len;
    }
    return true;
}

std::string sanitizeUtf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len = utf8SequenceLength(s, i);
        if (len == 0) {
            out += kReplacement;
            ++i;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
    return out;
}

// The name a declared charset stands for, as w3lib (and browsers) resolve it.
std::string canonicalCharsetName(std::string_view declared) {
    std::string name;
    for (char c : declared) {
        if (isSpace(c) || c == '"' || c == '\'') {
            continue;
        }
        name += c == '_' ? '-' : lowerAscii(c);
    }
    struct Alias {
        std::string_view from;
        std::string_view to;
    };
    static constexpr Alias kAliases[] = {
        {"ascii", "windows-1252"},
        {"us-ascii", "windows-1252"},
        {"iso-8859-1", "windows-1252"},
        {"iso8859-1", "windows-1252"},
        {"latin-1", "windows-1252"},
        {"latin1", "windows-1252"},
        {"l1", "windows-1252"},
        {"iso-ir-100", "windows-1252"},
        {"cp819", "windows-1252"},
        {"ibm819", "windows-1252"},
        {"cp1252", "windows-1252"},
        {"iso-8859-9", "windows-1254"},
        {"iso8859-9", "windows-1254"},
        {"latin5", "windows-1254"},
        {"gb2312", "gb18030"},
        {"gbk", "gb18030"},
        {"x-gbk", "gb18030"},
        {"gb-2312-80", "gb18030"},
        {"zh-cn", "gb18030"},
        {"shift-jis", "cp932"},
        {"sjis", "cp932"},
        {"x-sjis", "cp932"},
        {"windows-31j", "cp932"},
        {"ms-kanji", "cp932"},
        {"euc-kr", "cp949"},
        {"ks-c-5601-1987", "cp949"},
        {"tis-620", "cp874"},
        {"iso-8859-11", "cp874"},
        {"windows-874", "cp874"},
        {"big5", "big5-hkscs"},
        {"utf8", "utf-8"},
        {"unicode-1-1-utf-8", "utf-8"},
        {"win-1251", "windows-1251"},
        {"mac", "macintosh"},
    };
    for (const Alias& alias : kAliases) {
        if (name == alias.from) {
            return std::string(alias.to);
        }
    }
    return name;
}

bool iconvKnows(const std::string& name) {
    if (name == "utf-8") {
        return true;
    }
    iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return false;
    }
    iconv_close(cd);
    return true;
}

// The usable charset a declaration names, or "" when it names none iconv knows.
std::string resolveCharset(std::string_view declared) {
    if (declared.empty()) {
        return {};
    }
    std::string name = canonicalCharsetName(declared);
    return !name.empty() && iconvKnows(name) ? name : std::string();
}

std::string_view bomCharset(std::string_view body) {
    if (body.substr(0, 3) == "\xEF\xBB\xBF") {
        return "utf-8";
    }
    if (body.substr(0, 4) == std::string_view("\xFF\xFE\0\0", 4)) {
        return "utf-32le";
    }
    if (body.substr(0, 4) == std::string_view("\0\0\xFE\xFF", 4)) {
        return "utf-32be";
    }
    if (body.substr(0, 2) == "\xFF\xFE") {
        return "utf-16le";
    }
    if (body.substr(0, 2) == "\xFE\xFF") {
        return "utf-16be";
    }
    return {};
}

// The value after `key` (then optional spaces, '=', spaces, a quote) in lower-cased `text`.
std::string_view valueAfter(std::string_view text, std::string_view key) {
    for (std::size_t at = text.find(key); at != std::string_view::npos;
         at = text.find(key, at + 1)) {
        std::size_t i = at + key.size();
        while (i < text.size() && isSpace(text[i])) {
            ++i;
        }
        if (i >= text.size() || text[i] != '=') {
            continue;
        }
        ++i;
        while (i < text.size() && (isSpace(text[i]) || text[i] == '"' || text[i] == '\'')) {
            ++i;
        }
        std::size_t end = i;
        while (end < text.size() && isCharsetChar(text[end])) {
            ++end;
        }
        if (end > i) {
            return text.substr(i, end - i);
        }
    }
    return {};
}

std::string charsetFromContentType(std::string_view contentType) {
    std::string lowered = lowerCopy(contentType);
    return resolveCharset(valueAfter(lowered, "charset"));
}

// <meta charset>, <meta http-equiv content="...charset=..."> or <?xml encoding=...?> before
// <body, in the first kMetaSearchBytes bytes.
std::string charsetFromMarkup(std::string_view body) {
    std::string head = lowerCopy(body.substr(0, kMetaSearchBytes));
    std::string_view text(head);
    if (text.substr(0, 5) == "<?xml") {
        std::size_t end = text.find("?>");
        std::string encoding = resolveCharset(valueAfter(text.substr(0, end), "encoding"));
        if (!encoding.empty()) {
            return encoding;
        }
    }
    const std::size_t bodyAt = text.find("<body");
    for (std::size_t at = text.find("<meta"); at != std::string_view::npos && at < bodyAt;
         at = text.find("<meta", at + 5)) {
        std::size_t end = text.find('>', at);
        std::string_view tag = text.substr(at, end == std::string_view::npos ? end : end - at);
        std::string charset = resolveCharset(valueAfter(tag, "charset"));
        if (!charset.empty()) {
            return charset;
        }
    }
    return {};
}

std::string iconvToUtf8(std::string_view bytes, const std::string& charset) {
    iconv_t cd = iconv_open("UTF-8", charset.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return sanitizeUtf8(bytes);
    }
    std::string out;
    out.resize(bytes.size() * 2 + 16);
    std::size_t written = 0;
    char* in = const_cast<char*>(bytes.data()); // iconv's signature; it does not write
    std::size_t inLeft = bytes.size();
    while (inLeft > 0) {
        char* outPtr = out.data() + written;
        std::size_t outLeft = out.size() - written;
        std::size_t rc = iconv(cd, &in, &inLeft, &outPtr, &outLeft);
        written = out.size() - outLeft;
        if (rc != static_cast<std::size_t>(-1)) {
            break;
        }
        if (errno == E2BIG) {
            out.resize(out.size() * 2);
            continue;
        }
        // EILSEQ (invalid) or EINVAL (truncated at the end): one replacement per bad byte.
        if (out.size() - written < kReplacement.size()) {
            out.resize(out.size() * 2);
        }
        out.replace(written, kReplacement.size(), kReplacement);
        written += kReplacement.size();
        ++in;
        --inLeft;
        iconv(cd, nullptr, nullptr, nullptr, nullptr); // reset shift state
    }
    iconv_close(cd);
    out.resize(written);
    return out;
}

} // namespace

std::string detectCharset(std::string_view contentType, std::string_view body) {
    if (std::string_view bom = bomCharset(body); !bom.empty()) {
        return std::string(bom);
    }
    if (std::string fromHeader = charsetFromContentType(contentType); !fromHeader.empty()) {
        return fromHeader;
    }
    if (std::string fromMarkup = charsetFromMarkup(body); !fromMarkup.empty()) {
        return fromMarkup;
    }
    return isValidUtf8(body) ? "utf-8" : "windows-1252";
}

std::string decodeToUtf8(std::string_view bytes, std::string_view charset) {
    std::string name = canonicalCharsetName(charset);
    std::string_view bom = bomCharset(bytes);
    if (!bom.empty() && (bom == name || (name == "utf-16" && bom.substr(0, 6) == "utf-16") ||
                         (name == "utf-32" && bom.substr(0, 6) == "utf-32"))) {
        if (name == "utf-16" || name == "utf-32") {
            name = std::string(bom); // the BOM says which byte order
        }
        bytes.remove_prefix(bom.substr(0, 6) == "utf-32" ? 4 : bom == "utf-8" ? 3 : 2);
    }
    if (name == "utf-8" || name.empty()) {
        return sanitizeUtf8(bytes);
    }
    return iconvToUtf8(bytes, name);
}

std::string Response::charset() const {
    return detectCharset(header("Content-Type").value_or(std::string_view()), body);
}

std::string Response::text() const {
    return decodeToUtf8(body, charset());
}

} // namespace spider
