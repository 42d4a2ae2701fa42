#include "http/referer.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace spider {
namespace {

std::string lowerScheme(std::string_view url) {
    std::size_t colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return {};
    }
    std::string scheme;
    for (char c : url.substr(0, colon)) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) == 0 && c != '+' && c != '-' && c != '.') {
            return {};
        }
        scheme += static_cast<char>(std::tolower(u));
    }
    return scheme;
}

// Scrapy's TLS-protected schemes (ReferrerPolicy.tls_protected).
bool tlsProtected(std::string_view scheme) {
    return scheme == "https" || scheme == "ftps";
}

// w3lib.url.strip_url(url, strip_credentials=True, strip_default_port=True,
// origin_only=False, strip_fragment=True) for a "scheme://authority/rest" URL.
std::optional<std::string> stripUrl(std::string_view url, std::string_view scheme) {
    if (url.size() < scheme.size() + 3 || url.substr(scheme.size(), 3) != "://") {
        return std::nullopt;
    }
    std::size_t authorityStart = scheme.size() + 3;
    std::size_t authorityEnd = url.find_first_of("/?#", authorityStart);
    if (authorityEnd == std::string_view::npos) {
        authorityEnd = url.size();
    }
    std::string_view authority = url.substr(authorityStart, authorityEnd - authorityStart);
    if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (authority.empty()) {
        return std::nullopt;
    }
    std::string_view defaultPort = scheme == "http" ? ":80" : scheme == "https" ? ":443" : "";
    if (!defaultPort.empty() && authority.size() > defaultPort.size() &&
        authority.substr(authority.size() - defaultPort.size()) == defaultPort) {
        authority.remove_suffix(defaultPort.size());
    }
    std::string_view rest = url.substr(authorityEnd);
    if (std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
        rest = rest.substr(0, hash);
    }
    std::string out;
    out.reserve(url.size());
    out.append(scheme).append("://").append(authority);
    // urlunparse writes an empty path as "/" only when there is one; w3lib keeps "" but
    // Scrapy's Request URLs always have a path, so "" stays "".
    out.append(rest);
    return out;
}

} // namespace

std::optional<std::string> refererFor(std::string_view pageUrl, std::string_view requestUrl) {
    static constexpr std::array<std::string_view, 6> kNoReferrerSchemes = {
        "about", "blob", "data", "filesystem", "file", "s3"};
    std::string from = lowerScheme(pageUrl);
    if (from.empty() || std::find(kNoReferrerSchemes.begin(), kNoReferrerSchemes.end(), from) !=
                            kNoReferrerSchemes.end()) {
        return std::nullopt;
    }
    if (tlsProtected(from) && !tlsProtected(lowerScheme(requestUrl))) {
        return std::nullopt;
    }
    return stripUrl(pageUrl, from);
}

bool addReferer(Request& request, std::string_view pageUrl) {
    if (findHeader(request.headers, "Referer")) {
        return false;
    }
    std::optional<std::string> referer = refererFor(pageUrl, request.url);
    if (!referer) {
        return false;
    }
    request.headers.emplace_back("Referer", std::move(*referer));
    return true;
}

void updateRefererForRedirect(Request& request) {
    auto it = std::find_if(request.headers.begin(), request.headers.end(),
                           [](const auto& h) { return equalsIgnoreCase(h.first, "Referer"); });
    if (it == request.headers.end()) {
        return;
    }
    if (std::optional<std::string> referer = refererFor(it->second, request.url)) {
        it->second = std::move(*referer);
    } else {
        request.headers.erase(it);
    }
}

} // namespace spider
