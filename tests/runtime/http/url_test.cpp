#include "http/url.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fixtures/python_oracle.h"

using spider::canonicalizeUrl;
using spider::domainMatches;
using spider::hostOf;
using spider::httpUrlError;
using spider::isHttpUrl;
using spider::safeUrlString;
using spider::urljoin;

namespace {

// URLs that exercise every step of w3lib's canonicalize_url and safe_url_string.
const std::vector<std::string> kTrickyUrls = {
    "http://www.example.com/do?c=3&b=5&b=2&a=50",
    "http://www.example.com/do?a=50&b=2&b=5&c=3",
    "http://www.example.com/do?b=2&a=2&b=1&a=1",
    "http://www.example.com/do?q=a%20b&q=a+b",
    "http://www.example.com/do?q=a b&x=1",
    "http://www.example.com/do?q=&p&r=1",
    "http://www.example.com/do?&&q=1&&",
    "http://www.example.com/do?a=1;b=2;a=0",
    "http://www.example.com/do?",
    "http://www.example.com/do#",
    "http://www.example.com/do?#",
    "http://www.example.com/do?x=1#frag",
    "http://www.example.com/do#frag?x=1",
    "http://www.example.com/do?x=%7e&y=~&z=%7E",
    "http://www.example.com/do?x=%2f%2F/&y=%3D%3d",
    "http://www.example.com/do?x=%zz&y=%4",
    "http://www.example.com/do?x=%C3%A9&y=\xc3\xa9",
    "http://www.example.com/do?x=%E9",
    "http://www.example.com/do?x=1&x=1&x=0",
    "http://www.example.com/do?%41=1&A=2",
    "http://www.example.com/do?x=a%26b&x=a&b",
    "http://www.example.com/do?x=\"quoted\"&y='single'",
    "http://www.example.com/do?x=<tag>&y={brace}&z=|pipe|",
    "http://www.example.com/do?x=1+2%2B3",
    "http://www.example.com/r\xc3\xa9sum\xc3\xa9",
    "http://www.example.com/r%C3%A9sum%C3%A9",
    "http://www.example.com/r%c3%a9sum%c3%a9",
    "http://www.example.com/r%E9sum%E9",
    "http://www.example.com/%7Euser/%7euser",
    "http://www.example.com/a%2Fb%2fc",
    "http://www.example.com/a%3Fb%3fc",
    "http://www.example.com/a%25b%2525c",
    "http://www.example.com/a b/c d",
    "http://www.example.com/a%20b/c+d",
    "http://www.example.com/a|b[c]{d}<e>",
    "http://www.example.com/a\"b`c^d",
    "http://www.example.com/a;b/c;d=1",
    "http://www.example.com/a;p=%7e%41",
    "http://www.example.com/./a/../b/./c",
    "http://www.example.com//double//slash",
    "http://www.example.com/%zz/%4",
    "http://www.example.com/%41%42%43%2d%2e%5f",
    "http://www.example.com/!$&'()*+,;=:@",
    "http://www.example.com",
    "http://www.example.com?x=1",
    "http://www.example.com#f",
    "HTTP://WWW.EXAMPLE.COM/PATH?Q=V",
    "hTtPs://Example.COM:443/",
    "http://example.com:80/",
    "http://example.com:080/a",
    "http://example.com:/a",
    "http://User:Pass@Example.com:8080/p?q",
    "http://us%41er:p%40ss@example.com/",
    "http://user@example.com/",
    "http://\xc3\xabxample.com/a",
    "http://M\xc3\x9cNCHEN.de/",
    "http://example.com./x",
    "http://127.0.0.1:8000/x?b=1&a=2",
    "http://[::1]:8080/x",
    "http://[2001:DB8::1]/",
    "  http://example.com/trimmed  ",
    "\thttp://exa\tmple.com/a\nb\r",
    "http://example.com/tab\there",
    "https://example.com/%E2%82%AC?%E2%82%AC=%e2%82%ac",
    "https://example.com/\xe2\x82\xac?\xe2\x82\xac=\xf0\x9f\x98\x80",
    "https://example.com/a?b=c=d&e==f",
    "https://example.com/a?=v&k=",
    "ftp://ftp.example.com/pub/file;type=a",
    "mailto:someone@example.com?subject=Hi",
    "javascript:void(0)",
    "data:text/plain,hello world",
    "file:///tmp/a b",
    "//example.com/protocol-relative?b=2&a=1",
    "/absolute/path?b=2&a=1",
    "relative/path",
    "",
    "http://example.com/?q=%00%01%1F&r=%7F",
    "http://example.com/a?q=x#a%20b c",
};

}  // namespace

TEST_CASE("canonicalizeUrl sorts query arguments by name then value and keeps blank ones") {
    CHECK(canonicalizeUrl("http://www.example.com/do?c=3&b=5&b=2&a=50") ==
          "http://www.example.com/do?a=50&b=2&b=5&c=3");
    CHECK(canonicalizeUrl("http://ex.com/?q=&p") == "http://ex.com/?p=&q=");
    CHECK(canonicalizeUrl("http://ex.com/?q=a b") == "http://ex.com/?q=a+b");
}

TEST_CASE("canonicalizeUrl drops the fragment unless asked to keep it") {
    CHECK(canonicalizeUrl("http://ex.com/a#frag") == "http://ex.com/a");
    CHECK(canonicalizeUrl("http://ex.com/a#frag", true) == "http://ex.com/a#frag");
}

TEST_CASE("canonicalizeUrl normalises percent-encoding and case") {
    CHECK(canonicalizeUrl("HTTP://WWW.Example.COM/%7euser/a%2fb") ==
          "http://www.example.com/~user/a%2Fb");
    CHECK(canonicalizeUrl("http://ex.com/r\xc3\xa9sum\xc3\xa9") ==
          "http://ex.com/r%C3%A9sum%C3%A9");
    CHECK(canonicalizeUrl("http://ex.com") == "http://ex.com/");
}

TEST_CASE("canonicalizeUrl gives equivalent URLs one form") {
    CHECK(canonicalizeUrl("http://ex.com/p/3.html?b=2&a=1#top") ==
          canonicalizeUrl("http://EX.com/p/%33.html?a=1&b=2"));
}

TEST_CASE("canonicalizeUrl rejects a malformed bracketed host instead of crashing") {
    CHECK_FALSE(canonicalizeUrl("http://[::1/x").has_value());
    CHECK_FALSE(canonicalizeUrl("http://::1]/x").has_value());
    CHECK_FALSE(canonicalizeUrl("http://[1.2.3.4]/x").has_value());
    CHECK_FALSE(canonicalizeUrl("http://a[::1]/x").has_value());
}

TEST_CASE("canonicalizeUrl and safeUrlString match w3lib on a corpus of tricky URLs") {
    REQUIRE(kTrickyUrls.size() >= 60);
    std::vector<std::vector<std::string>> rows;
    for (const auto& url : kTrickyUrls) {
        for (const char* mode : {"canonical", "canonical+fragment", "safe"}) {
            rows.push_back({mode, url});
        }
    }
    auto answers = spider::testing::runPythonOracle(R"py(
from w3lib.url import canonicalize_url, safe_url_string
for mode, url in rows():
    try:
        if mode == "canonical":
            answer(canonicalize_url(url))
        elif mode == "canonical+fragment":
            answer(canonicalize_url(url, keep_fragments=True))
        else:
            answer(safe_url_string(url))
    except Exception as exc:
        error(exc)
)py",
                                                    rows);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string& mode = rows[i][0];
        const std::string& url = rows[i][1];
        std::optional<std::string> ours = mode == "canonical" ? canonicalizeUrl(url)
                                          : mode == "canonical+fragment"
                                              ? canonicalizeUrl(url, true)
                                              : safeUrlString(url);
        INFO(mode << " of '" << url << "': w3lib says "
                  << (answers[i].value ? "'" + *answers[i].value + "'" : answers[i].error));
        CHECK(ours == answers[i].value);
    }
}

TEST_CASE("urljoin resolves the RFC 3986 reference examples") {
    const std::string base = "http://a/b/c/d;p?q";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"g", "http://a/b/c/g"},          {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},        {"/g", "http://a/g"},
        {"//g", "http://g/"},             {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},      {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"},      {"g?y#s", "http://a/b/c/g?y#s"},
        {";x", "http://a/b/c/;x"},        {"g;x", "http://a/b/c/g;x"},
        {"", "http://a/b/c/d;p?q"},       {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},          {"..", "http://a/b/"},
        {"../", "http://a/b/"},           {"../g", "http://a/b/g"},
        {"../..", "http://a/"},           {"../../g", "http://a/g"},
        {"../../../g", "http://a/g"},     {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},          {"g.", "http://a/b/c/g."},
        {".g", "http://a/b/c/.g"},        {"g..", "http://a/b/c/g.."},
        {"..g", "http://a/b/c/..g"},      {"./../g", "http://a/b/g"},
        {"g/./h", "http://a/b/c/g/h"},    {"g/../h", "http://a/b/c/h"},
        {"http:g", "http://a/b/c/g"},     {"?", "http://a/b/c/d;p?q"},
    };
    for (const auto& [ref, expected] : cases) {
        INFO("ref '" << ref << "'");
        CHECK(urljoin(base, ref) == expected);
    }
}

TEST_CASE("urljoin handles the links a crawler meets on real pages") {
    const std::string base = "http://127.0.0.1:8000/p/7.html?x=1#top";
    CHECK(urljoin(base, "/p/8.html") == "http://127.0.0.1:8000/p/8.html");
    CHECK(urljoin(base, "9.html#quotes") == "http://127.0.0.1:8000/p/9.html#quotes");
    CHECK(urljoin(base, "  /tag/love/ \n") == "http://127.0.0.1:8000/tag/love/");
    CHECK(urljoin(base, "/a b/\xc3\xa9") == "http://127.0.0.1:8000/a%20b/%c3%a9");
    CHECK(urljoin(base, "https://other.example/x") == "https://other.example/x");
    CHECK(urljoin(base, "//other.example/y?z") == "http://other.example/y?z");
    CHECK(urljoin(base, "#") == "http://127.0.0.1:8000/p/7.html?x=1");
    CHECK(urljoin(base, "javascript:void(0)") == "javascript:void(0)");
    CHECK(urljoin(base, "mailto:someone@example.com") == "mailto:someone@example.com");
    CHECK(urljoin("http://ex.com", "a") == "http://ex.com/a");
    CHECK(urljoin("http://ex.com/", "http://\xc3\xabxample.com/") ==
          "http://xn--xample-ova.com/");
}

TEST_CASE("UrlJoiner's fast path gives libcurl's exact result") {
    const std::vector<std::string> bases = {
        "http://a/b/c/d;p?q",         "http://127.0.0.1:8000/p/7.html",
        "https://u:p@Ex.COM:8443/",   "http://ex.com",
        "http://ex.com/a/b/?x=1#f",   "http://[::1]:8080/dir/page.html?q=%41",
        "http://ex.com/%7Ea/b%2Fc/d", "http://\xc3\xabxample.com/x/y"};
    const std::vector<std::string> refs = {
        "g",        "./g",      "g/",         "/g",          "?y",        "g?y",
        "g?y#s",    ";x",       "g;x",        ".",           "./",        "..",
        "../",      "../g",     "../..",      "../../",      "../../../g", "/./g",
        "/../g",    "g.",       ".g",         "g..",         "..g",       "./../g",
        "./g/.",    "g/./h",    "g/../h",     "g;x=1/./y",   "g;x=1/../y", "g?y/./x",
        "g?y/../x", "g#s/./x",  "g#s/../x",   "a//b/../c",   "/",         "?",
        "?#f",      "g?",       "g#",         "g?#",         "%7e/%2F",   "a?b?c",
        "x@y/z",    "p/1.html", "../p/2.html?b=2&a=1#top",   "/p/%33.html", "x:y/z",
        "/a:b",     "?k=v&k2=v2", "g/..",     "g/../..",     "....",      "/...../x",
        "a/./b/../../c/./d/.."};
    for (const auto& base : bases) {
        spider::UrlJoiner joiner(base);
        REQUIRE(joiner.valid());
        for (const auto& ref : refs) {
            INFO("base '" << base << "' ref '" << ref << "'");
            CHECK(joiner.join(ref) == spider::detail::urljoinWithCurl(base, ref));
        }
    }
}

TEST_CASE("a UrlJoiner on an invalid base joins nothing") {
    spider::UrlJoiner joiner("not a url");
    CHECK_FALSE(joiner.valid());
    CHECK_FALSE(joiner.join("x").has_value());
    CHECK_FALSE(joiner.join("http://ok.example/").has_value());
}

TEST_CASE("urljoin refuses a relative base and unusable results") {
    CHECK_FALSE(urljoin("/relative/base", "x").has_value());
    CHECK_FALSE(urljoin("", "x").has_value());
    CHECK_FALSE(urljoin("not a url at all", "x").has_value());
    CHECK_FALSE(urljoin("http://ex.com/", "http://ex.com:99999/").has_value());
    CHECK_FALSE(urljoin("http://ex.com/", "http://a b/").has_value());
    CHECK_FALSE(urljoin("http://ex.com/", "http://").has_value());
}

TEST_CASE("urljoin gives the fingerprint Scrapy's response.urljoin would give") {
    // Our joined URL and Python's may be spelled differently (percent-escape case, a "/"
    // for an empty path); what must agree is the canonical form the dupefilter hashes.
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"http://ex.com/a/b.html", "c.html"},
        {"http://ex.com/a/b.html", "../c.html?b=2&a=1"},
        {"http://ex.com/a/b.html", "/p/1.html#frag"},
        {"http://ex.com/a/b.html", "//Other.COM"},
        {"http://ex.com/a/b.html", "?q=a b"},
        {"http://ex.com/a/b.html?x=1", "#only-fragment"},
        {"http://ex.com/a/b.html", "r\xc3\xa9sum\xc3\xa9 page.html"},
        {"http://ex.com/a/b.html", "%7Euser/%41"},
        {"http://ex.com/a/b.html", "./x/../y/./z"},
        {"http://ex.com/a/b.html", "http://EX.com:8080/UP"},
        {"http://ex.com/a/b.html", "  spaced.html  "},
        {"http://ex.com/a/b.html", "tab\tand\nnewline.html"},
        {"http://ex.com/a/b.html", "q.html?\xe2\x82\xac=1&a=%e2%82%ac"},
        {"https://ex.com/", "/p/3.html?b=&a"},
        {"http://ex.com/dir/", "sub/index.html"},
    };
    std::vector<std::vector<std::string>> rows;
    for (const auto& [base, ref] : pairs) rows.push_back({base, ref});
    auto answers = spider::testing::runPythonOracle(R"py(
from urllib.parse import urljoin
from w3lib.url import canonicalize_url, safe_url_string
for base, ref in rows():
    try:
        answer(canonicalize_url(safe_url_string(urljoin(base, ref.strip()))))
    except Exception as exc:
        error(exc)
)py",
                                                    rows);
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        auto joined = urljoin(pairs[i].first, pairs[i].second);
        REQUIRE(joined);
        auto safe = safeUrlString(*joined);
        REQUIRE(safe);
        INFO("joined '" << *joined << "'");
        CHECK(canonicalizeUrl(*safe) == answers[i].value);
    }
}

TEST_CASE("isHttpUrl accepts absolute http and https URLs only") {
    CHECK(isHttpUrl("http://example.com/"));
    CHECK(isHttpUrl("HTTPS://example.com:8443/a?b#c"));
    CHECK(isHttpUrl("http://127.0.0.1:1/"));
    CHECK(isHttpUrl("http://[::1]:80/"));
    CHECK_FALSE(isHttpUrl("ftp://example.com/file"));
    CHECK_FALSE(isHttpUrl("javascript:alert(1)"));
    CHECK_FALSE(isHttpUrl("mailto:a@b.c"));
    CHECK_FALSE(isHttpUrl("/relative"));
    CHECK_FALSE(isHttpUrl(""));
    CHECK_FALSE(isHttpUrl("http://"));
    CHECK_FALSE(isHttpUrl("http://ex.com:65536/"));
    CHECK_FALSE(isHttpUrl(std::string("http://ex\0.com/", 15)));
}

TEST_CASE("httpUrlError explains why a URL is not fetched") {
    CHECK_FALSE(httpUrlError("http://ok.example/").has_value());
    auto ftp = httpUrlError("ftp://example.com/");
    REQUIRE(ftp);
    CHECK_THAT(*ftp, Catch::Contains("unsupported scheme 'ftp'"));
    auto relative = httpUrlError("p/1.html");
    REQUIRE(relative);
    CHECK_THAT(*relative, Catch::Contains("missing scheme"));
    auto port = httpUrlError("http://ex.com:99999/");
    REQUIRE(port);
    CHECK_THAT(*port, Catch::Contains("malformed URL"));
}

TEST_CASE("hostOf returns the lower-cased host like Python's urlparse().hostname") {
    CHECK(hostOf("http://WWW.Example.COM:8080/x") == "www.example.com");
    CHECK(hostOf("https://user:pw@host.example/") == "host.example");
    CHECK(hostOf("http://[::1]:8080/") == "::1");
    CHECK(hostOf("http://M\xc3\x9cNCHEN.de/") == "xn--mnchen-3ya.de");
    CHECK(hostOf("not a url") == "");
    CHECK(hostOf("") == "");
}

TEST_CASE("domainMatches applies Scrapy's offsite rule") {
    CHECK(domainMatches("example.com", "example.com"));
    CHECK(domainMatches("www.example.com", "example.com"));
    CHECK(domainMatches("a.b.EXAMPLE.com", "example.COM"));
    CHECK_FALSE(domainMatches("badexample.com", "example.com"));
    CHECK_FALSE(domainMatches("example.com.evil.org", "example.com"));
    CHECK_FALSE(domainMatches("com", "example.com"));
    CHECK_FALSE(domainMatches("example.com", ""));
}

TEST_CASE("URL functions survive arbitrary bytes") {
    std::string junk;
    for (int i = 0; i < 256; ++i) junk += static_cast<char>(i);
    for (const std::string& input :
         {junk, std::string("http://[") + junk, std::string("%") + junk, std::string(":::"),
          std::string("http://%%%/%%%?%%%#%%%"), std::string(10000, '/'),
          std::string("http://") + std::string(300, 'a') + ".com/"}) {
        (void)canonicalizeUrl(input);
        (void)safeUrlString(input);
        (void)urljoin("http://ex.com/", input);
        (void)urljoin(input, "x");
        (void)hostOf(input);
        (void)isHttpUrl(input);
    }
    SUCCEED("no crash, no exception");
}

TEST_CASE("splitPlainHttpUrl splits a crawl's ordinary links and refuses anything unusual") {
    auto split = spider::splitPlainHttpUrl("http://Quotes.Example:8089/p/1.html?b=2&a=1#top?x");
    REQUIRE(split);
    CHECK(split->scheme == "http");
    CHECK(split->host == "Quotes.Example");
    CHECK(split->port == "8089");
    CHECK(split->path == "/p/1.html");
    CHECK(split->query == "b=2&a=1");
    CHECK(split->fragment == "top?x");
    auto escaped = spider::splitPlainHttpUrl("http://ex.com/p/%33.html?a+b=%20#%41");
    REQUIRE(escaped);
    CHECK(escaped->path == "/p/%33.html");
    CHECK(escaped->query == "a+b=%20");
    CHECK(escaped->fragment == "%41");
    auto bare = spider::splitPlainHttpUrl("https://127.0.0.1");
    REQUIRE(bare);
    CHECK(bare->host == "127.0.0.1");
    CHECK(bare->path.empty());
    for (const char* refused :
         {"HTTP://example.com/", "ftp://example.com/", "http://", "http:///p",
          "http://user@example.com/", "http://[::1]/", "http://127.1/", "http://0x7f.0.0.1/",
          "http://010.0.0.1/", "http://1.2.3.4./", "http://256.0.0.1/", "http://ex.com:/",
          "http://ex.com:080/", "http://ex.com:0/", "http://ex.com:65536/", "http://ex.com/a b",
          "http://ex.com/a;p", "http://ex.com/?a;b", "http://ex.com/\xc3\xa9",
          "http://ex.com/\"", "http://ex.com\\x", " http://ex.com/", "http://ex\xc3\xa9.com/"}) {
        INFO(refused);
        CHECK_FALSE(spider::splitPlainHttpUrl(refused));
    }
}

TEST_CASE("the plain-URL fast path gives exactly what the general functions give") {
    // Every combination of these parts; the general functions (libcurl for validity and
    // host, the w3lib port for the canonical form) are the reference.
    const std::vector<std::string> schemes = {"http://", "https://", "HTTP://"};
    const std::vector<std::string> hosts = {
        "example.com", "WWW.Example.COM", "127.0.0.1", "255.255.255.255", "0.0.0.0",
        "127.1", "0x7f.0.0.1", "010.0.0.1", "1.2.3.4.", "1a.com", "08.example", "a_b-c.d",
        "a..b", ".lead", "trail.", "256.1.1.1", "1.2.3", "x"};
    const std::vector<std::string> ports = {"", ":80", ":8089", ":65535", ":65536", ":0",
                                            ":080", ":", ":99999"};
    const std::vector<std::string> tails = {
        "", "/", "/p/1.html", "?b=2&a=1", "/x?a&b=&c=d=e#frag", "#f?x", "/a(b)*c!$'@:,",
        "/?&&", "/x?=&=a&a=", "/q?z=(1)&y='2'&x=@:/?,!$*", "/p?b=2&a=1&b=1#k=v&x",
        "/A/B/../c/./d", "//double", "/x?a=1&a=1&A=1", "?", "#", "/p/%31.html",
        "/a%2fb%3F/%7e%7E%41%zz%", "/a+b?q=a+b&q=a%20b&r=%2B#f%20+", "/%E2%82%AC?%E2%82%AC=%",
        "?a=%26&b=%3D&%=%%", "/%2", "/x%"};
    int plain = 0;
    for (const auto& scheme : schemes) {
        for (const auto& host : hosts) {
            for (const auto& port : ports) {
                for (const auto& tail : tails) {
                    std::string url = scheme + host + port + tail;
                    INFO(url);
                    auto split = spider::splitPlainHttpUrl(url);
                    if (!split) continue;
                    ++plain;
                    CHECK_FALSE(spider::detail::httpUrlErrorGeneral(url).has_value());
                    CHECK(hostOf(url) == spider::detail::hostOfGeneral(url));
                    CHECK(canonicalizeUrl(url) ==
                          spider::detail::canonicalizeUrlGeneral(url, false));
                    CHECK(canonicalizeUrl(url, true) ==
                          spider::detail::canonicalizeUrlGeneral(url, true));
                }
            }
        }
    }
    // The fast path must actually be taken by most ordinary combinations.
    CHECK(plain > 1000);
}
