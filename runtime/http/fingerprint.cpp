#include "http/fingerprint.h"

// SHA1_Init() and co. are deprecated in OpenSSL 3 (sha1() below says why they are used).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "http/url.h"

namespace spider {
namespace {

constexpr std::string_view kHexLower = "0123456789abcdef";

void appendHex(std::string& out, std::uint8_t byte) {
    out += kHexLower[byte >> 4];
    out += kHexLower[byte & 0xF];
}

void appendUnicodeEscape(std::string& out, std::uint32_t unit) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += kHexLower[(unit >> shift) & 0xF];
}

// Appends `text` as a JSON string exactly as Python's json.dumps (ensure_ascii=True)
// writes it: short escapes for " \ \n \r \t \b \f, \u00XX for other controls, and \uXXXX
// (surrogate pairs above the BMP) for every non-ASCII character. Bytes that are not valid
// UTF-8 cannot come from Python and are written as U+FFFD.
void appendJsonString(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            switch (byte) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                default:
                    if (byte < 0x20) {
                        appendUnicodeEscape(out, byte);
                    } else {
                        out += static_cast<char>(byte);
                    }
            }
            ++i;
            continue;
        }
        std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0;
        std::uint32_t codePoint = 0;
        bool valid = length != 0 && byte < 0xF5 && i + length <= text.size();
        if (valid) {
            codePoint = byte & (0x7F >> length);
            for (std::size_t k = 1; k < length; ++k) {
                auto next = static_cast<unsigned char>(text[i + k]);
                if ((next & 0xC0) != 0x80) {
                    valid = false;
                    break;
                }
                codePoint = (codePoint << 6) | (next & 0x3F);
            }
            static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
            valid = valid && codePoint >= kMinimum[length] && codePoint <= 0x10FFFF &&
                    !(codePoint >= 0xD800 && codePoint <= 0xDFFF);
        }
        if (!valid) {
            appendUnicodeEscape(out, 0xFFFD);
            ++i;
            continue;
        }
        if (codePoint >= 0x10000) {
            std::uint32_t v = codePoint - 0x10000;
            appendUnicodeEscape(out, 0xD800 + (v >> 10));
            appendUnicodeEscape(out, 0xDC00 + (v & 0x3FF));
        } else {
            appendUnicodeEscape(out, codePoint);
        }
        i += length;
    }
    out += '"';
}

// Upper-case as Scrapy's Request does (ASCII letters only).
char upperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Whether json.dumps writes `text` as is between its quotes.
bool needsNoJsonEscape(std::string_view text) {
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\') return false;
    }
    return true;
}

// Writes the document up to the URL's JSON string, which the caller appends, then '}':
//   {"body": hex(body), "headers": {}, "method": METHOD, "url":<space>
// (json.dumps(..., sort_keys=True) with its default ", " and ": " separators).
void beginDocument(std::string& document, std::string_view method, std::string_view body) {
    document.clear();
    document += "{\"body\": \"";
    for (char c : body) appendHex(document, static_cast<std::uint8_t>(c));
    document += "\", \"headers\": {}, \"method\": ";
    if (needsNoJsonEscape(method)) {
        document += '"';
        for (char c : method) document += upperAscii(c);
        document += '"';
    } else {
        std::string upper(method);
        for (char& c : upper) c = upperAscii(c);
        appendJsonString(document, upper);
    }
    document += ", \"url\": ";
}

// SHA-1 through OpenSSL's low-level functions on a context on the stack. OpenSSL 3
// deprecates them in favour of EVP, but the EVP route (and SHA1(), which 3.0 implements
// with EVP_Q_digest) costs a third more per fingerprint: provider dispatch and a context
// freed and allocated on every init, and the scheduler hashes one document per link.
// TODO(cleanup): move to EVP if an OpenSSL release drops SHA1_Init().
Fingerprint sha1(std::string_view document) {
    Fingerprint digest{};
    SHA_CTX context;
    SHA1_Init(&context);
    SHA1_Update(&context, document.data(), document.size());
    SHA1_Final(digest.data(), &context);
    return digest;
}

}  // namespace

Fingerprint requestFingerprint(std::string_view method, std::string_view url,
                               std::string_view body, bool keepFragments) {
    auto canonical = canonicalizeUrl(url, keepFragments);
    std::string document;
    document.reserve(64 + url.size() + 2 * body.size());
    beginDocument(document, method, body);
    appendJsonString(document, canonical ? *canonical : url);
    document += '}';
    return sha1(document);
}

void RequestFingerprinter::begin(std::string_view method, std::string_view body) {
    // The part before the URL depends on the method and body only: for the body-less
    // requests a crawl is made of it is written once and kept.
    if (prefixSize_ != 0 && body.empty() && method == prefixMethod_) {
        document_.resize(prefixSize_);
        return;
    }
    beginDocument(document_, method, body);
    prefixSize_ = body.empty() ? document_.size() : 0;
    if (body.empty()) prefixMethod_.assign(method);
}

Fingerprint RequestFingerprinter::operator()(std::string_view method, std::string_view url,
                                             std::string_view body, bool keepFragments) {
    if (auto plain = splitPlainHttpUrl(url)) return (*this)(method, *plain, body, keepFragments);
    auto canonical = canonicalizeUrl(url, keepFragments);
    begin(method, body);
    appendJsonString(document_, canonical ? *canonical : url);
    document_ += '}';
    return sha1(document_);
}

Fingerprint RequestFingerprinter::operator()(std::string_view method, const PlainHttpUrl& url,
                                             std::string_view body, bool keepFragments) {
    begin(method, body);
    // A plain URL's canonical form is printable ASCII without '"' or '\\': JSON as is.
    document_ += '"';
    appendCanonicalUrl(document_, url, keepFragments);
    document_ += "\"}";
    return sha1(document_);
}

std::string toHex(const Fingerprint& fingerprint) {
    std::string out;
    out.reserve(2 * fingerprint.size());
    for (std::uint8_t byte : fingerprint) appendHex(out, byte);
    return out;
}

}  // namespace spider
