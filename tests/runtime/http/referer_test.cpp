// The Referer policy (Scrapy's DefaultReferrerPolicy: no-referrer-when-downgrade).
#include "http/referer.h"

#include <catch2/catch.hpp>

using namespace spider;

TEST_CASE("the referer is the page URL without credentials, fragment or default port") {
    CHECK(refererFor("http://a.example/p?q=1#frag", "http://b.example/") ==
          std::optional<std::string>("http://a.example/p?q=1"));
    CHECK(refererFor("https://user:pw@a.example:443/x", "https://a.example/y") ==
          std::optional<std::string>("https://a.example/x"));
    CHECK(refererFor("http://a.example:8080/x", "http://a.example/") ==
          std::optional<std::string>("http://a.example:8080/x"));
    CHECK(refererFor("HTTP://a.example:80/x", "http://a.example/") ==
          std::optional<std::string>("http://a.example/x"));
}

TEST_CASE("no referer goes from https to http, nor from a local scheme") {
    CHECK_FALSE(refererFor("https://a.example/", "http://a.example/"));
    CHECK(refererFor("http://a.example/", "https://a.example/"));
    CHECK(refererFor("https://a.example/", "https://b.example/"));
    CHECK_FALSE(refererFor("file:///tmp/x.html", "http://a.example/"));
    CHECK_FALSE(refererFor("data:text/html,hi", "http://a.example/"));
    CHECK_FALSE(refererFor("not a url", "http://a.example/"));
}

TEST_CASE("an explicit Referer header wins over the policy") {
    Request request;
    request.url = "http://b.example/";
    CHECK(addReferer(request, "http://a.example/page"));
    CHECK(findHeader(request.headers, "Referer") == std::optional<std::string_view>(
                                                        "http://a.example/page"));
    CHECK_FALSE(addReferer(request, "http://c.example/"));
    CHECK(request.headers.size() == 1);
}

TEST_CASE("a redirect re-checks the Referer against the new URL") {
    Request request;
    request.url = "http://a.example/next";
    request.headers = {{"referer", "https://a.example/page"}};
    updateRefererForRedirect(request);
    CHECK(request.headers.empty());
    request.url = "https://b.example/";
    request.headers = {{"Referer", "https://a.example/page#x"}};
    updateRefererForRedirect(request);
    CHECK(request.headers ==
          HeaderList{{"Referer", "https://a.example/page"}});
}
