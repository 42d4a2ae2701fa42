#include "http/fingerprint.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fixtures/python_oracle.h"
#include "http/url.h"

using spider::requestFingerprint;
using spider::toHex;

namespace {

struct RequestCase {
    std::string method;
    std::string url;
    std::string body;
};

const std::vector<RequestCase> kRequests = {
    {"GET", "http://www.example.com/", ""},
    {"GET", "http://www.example.com", ""},
    {"GET", "http://www.example.com/query?id=111&cat=222", ""},
    {"GET", "http://www.example.com/query?cat=222&id=111", ""},
    {"GET", "http://www.example.com/page#section", ""},
    {"GET", "http://WWW.EXAMPLE.COM/%7Euser/r\xc3\xa9sum\xc3\xa9", ""},
    {"GET", "http://www.example.com/a b?q=c d", ""},
    {"GET", "http://www.example.com:8080/p?b=&a", ""},
    {"GET", "http://www.example.com:080/p", ""},
    {"GET", "http://User:Pass@www.example.com/", ""},
    {"GET", "http://\xc3\xabxample.com/", ""},
    {"GET", "https://example.com/\xe2\x82\xac?\xe2\x82\xac=\xf0\x9f\x98\x80", ""},
    {"GET", "http://example.com/a%2Fb/%7e?x=%7e", ""},
    {"GET", "http://127.0.0.1:8000/p/1.html", ""},
    {"get", "http://127.0.0.1:8000/p/1.html", ""},
    {"HEAD", "http://127.0.0.1:8000/p/1.html", ""},
    {"DELETE", "http://127.0.0.1:8000/item/7", ""},
    {"POST", "http://127.0.0.1:8000/login", ""},
    {"POST", "http://127.0.0.1:8000/login", "user=demo&password=secret"},
    {"POST", "http://127.0.0.1:8000/login", "password=secret&user=demo"},
    {"POST", "http://127.0.0.1:8000/echo", "{\"json\": true, \"n\": [1, 2]}"},
    {"POST", "http://127.0.0.1:8000/echo", std::string("\x00\x01\xff\xfe binary", 11)},
    {"POST", "http://127.0.0.1:8000/echo", "caf\xc3\xa9"},
    {"PUT", "http://127.0.0.1:8000/echo?z=1&a=2#f", std::string(5000, 'x')},
    {"GET", "http://example.com/?q=\"quote\"&b=\\backslash", ""},
    {"GET", "http://example.com/a;p=1?x", ""},
    {"GET", "http://[::1]:8080/x", ""},
    {"GET", "ftp://ftp.example.com/file.txt", ""},
    {"GET", "http://example.com/%zz?%zz=%", ""},
    {"OPTIONS", "http://example.com/a/../b/./c", ""},
};

}  // namespace

TEST_CASE("a fingerprint is 20 bytes shown as 40 lower-case hex digits") {
    auto fingerprint = requestFingerprint("GET", "http://example.com/");
    std::string hex = toHex(fingerprint);
    CHECK(hex.size() == 40);
    CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("equivalent URLs share a fingerprint") {
    CHECK(requestFingerprint("GET", "http://ex.com/q?id=111&cat=222") ==
          requestFingerprint("GET", "http://ex.com/q?cat=222&id=111"));
    CHECK(requestFingerprint("GET", "http://ex.com/p/1.html#top") ==
          requestFingerprint("GET", "http://EX.com/p/%31.html"));
    CHECK(requestFingerprint("get", "http://ex.com/") == requestFingerprint("GET", "http://ex.com/"));
}

TEST_CASE("method and body are part of the fingerprint") {
    auto get = requestFingerprint("GET", "http://ex.com/form");
    auto post = requestFingerprint("POST", "http://ex.com/form");
    auto postBody = requestFingerprint("POST", "http://ex.com/form", "a=1");
    auto postOtherBody = requestFingerprint("POST", "http://ex.com/form", "a=2");
    CHECK(get != post);
    CHECK(post != postBody);
    CHECK(postBody != postOtherBody);
}

TEST_CASE("keeping fragments distinguishes URLs that differ only in their fragment") {
    CHECK(requestFingerprint("GET", "http://ex.com/#a", "", true) !=
          requestFingerprint("GET", "http://ex.com/#b", "", true));
    CHECK(requestFingerprint("GET", "http://ex.com/#a") ==
          requestFingerprint("GET", "http://ex.com/#b"));
}

TEST_CASE("a known fingerprint does not drift") {
    // scrapy.utils.request.fingerprint(Request("http://www.example.com/")).hex() in Scrapy 2.8
    CHECK(toHex(requestFingerprint("GET", "http://www.example.com/")) ==
          "28fd680a059847ede1289d72f7a0e1c470f3d8d2");
}

TEST_CASE("fingerprints equal Scrapy 2.8's for the same requests") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& request : kRequests) rows.push_back({request.method, request.url, request.body});
    auto answers = spider::testing::runPythonOracle(R"py(
import scrapy
from scrapy import Request
from scrapy.utils.request import fingerprint
assert scrapy.__version__.startswith("2.8"), scrapy.__version__
for method, url, body in rows():
    try:
        answer(fingerprint(Request(url, method=method, body=body.encode("utf-8", "surrogateescape"))).hex())
    except Exception as exc:
        error(exc)
)py",
                                                    rows);
    for (std::size_t i = 0; i < kRequests.size(); ++i) {
        const auto& request = kRequests[i];
        INFO(request.method << " " << request.url << ": Scrapy says "
                            << (answers[i].value ? *answers[i].value : answers[i].error));
        auto url = spider::safeUrlString(request.url);
        REQUIRE(url);
        REQUIRE(answers[i].value);
        CHECK(toHex(requestFingerprint(request.method, *url, request.body)) == *answers[i].value);
    }
}

TEST_CASE("a RequestFingerprinter gives requestFingerprint's result, call after call") {
    spider::RequestFingerprinter fingerprinter;
    std::vector<RequestCase> requests = kRequests;
    requests.push_back({"GET", "http://127.0.0.1:8089/p/7.html?b=(2)&a='1'#top", ""});
    requests.push_back({"G\"ET", "http://ex.com/", ""});
    requests.push_back({"POST", "https://Ex.COM:8443", "x"});
    for (int round = 0; round < 2; ++round) {
        for (const auto& request : requests) {
            INFO(request.method << " " << request.url);
            for (bool keepFragments : {false, true}) {
                auto expected = requestFingerprint(request.method, request.url, request.body,
                                                   keepFragments);
                CHECK(fingerprinter(request.method, request.url, request.body, keepFragments) ==
                      expected);
                if (auto plain = spider::splitPlainHttpUrl(request.url)) {
                    CHECK(fingerprinter(request.method, *plain, request.body, keepFragments) ==
                          expected);
                }
            }
        }
    }
    CHECK(toHex(fingerprinter("GET", "http://www.example.com/")) ==
          "28fd680a059847ede1289d72f7a0e1c470f3d8d2");
}
