#include "http/fingerprint.h"

#include <openssl/evp.h>

#include <stdexcept>

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

}  // namespace

Fingerprint requestFingerprint(std::string_view method, std::string_view url,
                               std::string_view body, bool keepFragments) {
    std::string upperMethod(method);
    for (char& c : upperMethod) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    auto canonical = canonicalizeUrl(url, keepFragments);

    // json.dumps(..., sort_keys=True) with its default ", " and ": " separators.
    std::string document;
    document.reserve(64 + url.size() + 2 * body.size());
    document += "{\"body\": \"";
    for (char c : body) appendHex(document, static_cast<std::uint8_t>(c));
    document += "\", \"headers\": {}, \"method\": ";
    appendJsonString(document, upperMethod);
    document += ", \"url\": ";
    appendJsonString(document, canonical ? *canonical : url);
    document += '}';

    // TODO(perf): EVP_sha1() makes OpenSSL 3 look the digest up on every call; a fetched
    // EVP_MD owned by the dupefilter would save that (about a third of the cost).
    Fingerprint digest{};
    unsigned int size = 0;
    if (EVP_Digest(document.data(), document.size(), digest.data(), &size, EVP_sha1(),
                   nullptr) != 1 ||
        size != digest.size()) {
        // Only an OpenSSL built without SHA-1 gets here; no request could be deduplicated.
        throw std::runtime_error("requestFingerprint: OpenSSL could not compute SHA-1");
    }
    return digest;
}

std::string toHex(const Fingerprint& fingerprint) {
    std::string out;
    out.reserve(2 * fingerprint.size());
    for (std::uint8_t byte : fingerprint) appendHex(out, byte);
    return out;
}

}  // namespace spider
