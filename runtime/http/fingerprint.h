#pragma once

// Scrapy's request fingerprint (scrapy.utils.request.fingerprint, the 2.7+ implementation):
// the identity the dupefilter uses to decide that two requests ask for the same resource.
// Requests differing only in query-argument order, fragment or percent-escape case share a
// fingerprint; a different method or body does not.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/url.h"

namespace spider {

// The 20 raw bytes of a SHA-1; stored as is by dupefilters (hex would double the size).
using Fingerprint = std::array<std::uint8_t, 20>;

// SHA-1 over the JSON document Scrapy 2.8 hashes:
//   {"body": hex(body), "headers": {}, "method": METHOD, "url": canonicalizeUrl(url)}
// `url` is the request's URL as stored on the request (Scrapy passes it through
// safeUrlString() when the Request is built; do the same so fingerprints match Scrapy's).
// `method` is upper-cased as Scrapy's Request does. The result equals
// scrapy.utils.request.fingerprint(Request(url, method=method, body=body)) byte for byte.
// A `url` that canonicalizeUrl() rejects is hashed as given, so it still gets a stable
// fingerprint of its own.
Fingerprint requestFingerprint(std::string_view method, std::string_view url,
                               std::string_view body = {}, bool keepFragments = false);

// requestFingerprint() for many requests, as the scheduler computes one per link: keeps
// its scratch document (and the part before the URL, which repeats from one GET to the
// next) between calls, and takes a URL already split by splitPlainHttpUrl() so it is not
// parsed again. Results equal requestFingerprint()'s byte for byte. One per scheduler;
// not thread-safe.
class RequestFingerprinter {
public:
    Fingerprint operator()(std::string_view method, std::string_view url,
                           std::string_view body = {}, bool keepFragments = false);
    // `url` is the split of the request's URL.
    Fingerprint operator()(std::string_view method, const PlainHttpUrl& url,
                           std::string_view body = {}, bool keepFragments = false);

private:
    // Leaves document_ holding everything before the URL's JSON string.
    void begin(std::string_view method, std::string_view body);

    std::string document_;
    std::string prefixMethod_;     // the method the cached prefix was written for
    std::size_t prefixSize_ = 0;   // its length in document_; 0: no prefix cached
};

// Lower-case hex of a fingerprint (40 characters), as Scrapy's `.hex()`.
std::string toHex(const Fingerprint& fingerprint);

}  // namespace spider
