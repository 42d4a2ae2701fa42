// Which statuses reach a callback: Scrapy's HttpErrorMiddleware precedence.
#include "engine/http_error.h"
#include "engine/settings.h"

#include <catch2/catch.hpp>

using namespace spider;

namespace {

Request withMeta(ValueMap meta = {}) {
    Request request;
    request.url = "http://a.test/";
    request.meta = std::move(meta);
    return request;
}

} // namespace

TEST_CASE("2xx always passes and other statuses only when allowed") {
    HttpErrorPolicy policy;
    CHECK(policy.allows(withMeta(), 200));
    CHECK(policy.allows(withMeta(), 299));
    CHECK_FALSE(policy.allows(withMeta(), 404));
    CHECK_FALSE(policy.allows(withMeta(), 302));
}

TEST_CASE("httperror_allowed_codes and httperror_allow_all come from the settings") {
    Settings settings;
    REQUIRE_FALSE(settings.set("httperror_allowed_codes", "404,410"));
    HttpErrorPolicy policy = HttpErrorPolicy::fromSettings(settings);
    CHECK(policy.allows(withMeta(), 404));
    CHECK(policy.allows(withMeta(), 410));
    CHECK_FALSE(policy.allows(withMeta(), 500));
    REQUIRE_FALSE(settings.set("httperror_allow_all", "true"));
    CHECK(HttpErrorPolicy::fromSettings(settings).allows(withMeta(), 500));
}

TEST_CASE("meta handle_httpstatus_list replaces the allowed codes and _all allows everything") {
    HttpErrorPolicy policy{{404}, false};
    ValueMap list;
    list.set("handle_httpstatus_list", Value(ValueList{Value(500)}));
    CHECK(policy.allows(withMeta(list), 500));
    CHECK_FALSE(policy.allows(withMeta(list), 404));
    HttpErrorPolicy all{{}, true};
    CHECK_FALSE(all.allows(withMeta(list), 404));
    ValueMap everything;
    everything.set("handle_httpstatus_all", true);
    CHECK(policy.allows(withMeta(everything), 503));
}
