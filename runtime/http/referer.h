#pragma once
// The Referer header a request carries (Scrapy's RefererMiddleware with its default policy,
// scrapy.spidermiddlewares.referer.DefaultReferrerPolicy): the URL of the page the request
// came from, with any user:password@, #fragment and default port removed, except that
//   - nothing is sent from an https page to an http URL (no-referrer-when-downgrade), and
//   - nothing is sent from a local-scheme page (about:, blob:, data:, filesystem:, file:,
//     s3:).
// Used for requests a callback yields (the engine sets it from the response's URL) and for
// every redirect hop (the downloader re-checks the Referer it carries against the new URL,
// as Scrapy's request_scheduled handler does, so an https -> http redirect drops it).
#include "http/request.h"

#include <optional>
#include <string>
#include <string_view>

namespace spider {

// The Referer value for a request to `requestUrl` made from a page at `pageUrl`, or
// std::nullopt when none is sent.
std::optional<std::string> refererFor(std::string_view pageUrl, std::string_view requestUrl);

// Adds the Referer header refererFor(pageUrl, request.url) gives, unless `request` already
// has one (Scrapy uses setdefault: an explicit header wins). Returns whether it added one.
bool addReferer(Request& request, std::string_view pageUrl);

// After a redirect to request.url: replaces the Referer the request carries by what the
// policy gives for the new URL (taking the old value as the page URL), or removes it. A
// request without a Referer is left alone.
void updateRefererForRedirect(Request& request);

} // namespace spider
