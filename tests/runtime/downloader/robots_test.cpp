#include "downloader/robots.h"

#include "fixtures/python_oracle.h"

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

using spider::RobotsTxt;

namespace {
constexpr const char* kScrapy = "Scrapy/2.8.0 (+https://scrapy.org)";

bool allowed(const RobotsTxt& robots, const std::string& path, const char* agent = kScrapy) {
    return robots.allowed("http://example.com" + path, agent);
}
} // namespace

TEST_CASE("a Disallow prefix refuses every path under it") {
    auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /private/\n");
    CHECK_FALSE(allowed(robots, "/private/"));
    CHECK_FALSE(allowed(robots, "/private/a.html?x=1"));
    CHECK(allowed(robots, "/private"));
    CHECK(allowed(robots, "/"));
    CHECK(allowed(robots, "/public/private/"));
}

TEST_CASE("the longest matching pattern wins and Allow wins ties") {
    auto robots = RobotsTxt::parse(
        "User-agent: *\nDisallow: /\nAllow: /public/\nDisallow: /public/secret\nAllow: /$\n"
        "Disallow: /same\nAllow: /same\n");
    CHECK(allowed(robots, "/"));
    CHECK_FALSE(allowed(robots, "/other"));
    CHECK(allowed(robots, "/public/x"));
    CHECK_FALSE(allowed(robots, "/public/secret/x"));
    CHECK(allowed(robots, "/same"));
}

TEST_CASE("wildcards match any run and a final dollar anchors the end") {
    auto robots = RobotsTxt::parse(
        "User-agent: *\nDisallow: /*.php$\nDisallow: /tmp*/cache\nDisallow: /*?sessionid=\n");
    CHECK_FALSE(allowed(robots, "/index.php"));
    CHECK(allowed(robots, "/index.php?x=1"));
    CHECK(allowed(robots, "/index.php5"));
    CHECK_FALSE(allowed(robots, "/tmp/a/b/cache/z"));
    CHECK(allowed(robots, "/tmp/a/b/cach"));
    CHECK_FALSE(allowed(robots, "/page?sessionid=7"));
}

TEST_CASE("the group with the longest agent name contained in the user agent applies") {
    auto robots =
        RobotsTxt::parse("User-agent: bot\nDisallow: /1\n\nUser-agent: scrapy\nDisallow: /2\n"
                         "Crawl-delay: 2.5\n\nUser-agent: *\nDisallow: /3\nCrawl-delay: 1\n");
    CHECK(allowed(robots, "/1"));
    CHECK_FALSE(allowed(robots, "/2"));
    CHECK(robots.crawlDelay(kScrapy) == 2.5);
    CHECK_FALSE(allowed(robots, "/1", "Googlebot/2.1"));
    CHECK_FALSE(allowed(robots, "/3", "Mozilla/5.0"));
    CHECK(robots.crawlDelay("Mozilla/5.0") == 1.0);
}

TEST_CASE("no applicable group allows everything") {
    auto robots = RobotsTxt::parse("User-agent: googlebot\nDisallow: /\n");
    CHECK(allowed(robots, "/anything"));
    CHECK_FALSE(robots.crawlDelay(kScrapy).has_value());
    CHECK(allowed(RobotsTxt::parse(""), "/x"));
    CHECK(allowed(RobotsTxt(), "/x"));
}

TEST_CASE("a body that is not UTF-8 counts as empty") {
    bool undecodable = false;
    auto robots = RobotsTxt::fromBody("User-agent: *\nDisallow: /\xff\n", &undecodable);
    CHECK(undecodable);
    CHECK(allowed(robots, "/x"));
    auto good = RobotsTxt::fromBody("User-agent: *\nDisallow: /x\n", &undecodable);
    CHECK_FALSE(undecodable);
    CHECK_FALSE(allowed(good, "/x"));
}

TEST_CASE("a malformed Crawl-delay is ignored and sitemaps are collected") {
    auto robots = RobotsTxt::parse("Sitemap: http://example.com/s.xml\nUser-agent: *\n"
                                   "Crawl-delay: soon\nDisallow: /x\n");
    CHECK_FALSE(robots.crawlDelay(kScrapy).has_value());
    REQUIRE(robots.sitemaps().size() == 1);
    CHECK(robots.sitemaps()[0] == "http://example.com/s.xml");
}

TEST_CASE("hostile robots files parse without crashing") {
    std::string huge(200000, '*');
    for (std::string text :
         {std::string("User-agent: *\nDisallow: ") + huge + "x$\n", std::string("\0\0\0:\0", 5),
          std::string("User-agent:\n:\n::\n"), std::string("User-agent: *\nDisallow: //[\n"),
          std::string("User-agent: *\nDisallow: %\nAllow: %%%\nAllow: %e2%82\n")}) {
        auto robots = RobotsTxt::parse(text);
        CHECK_NOTHROW(robots.allowed("http://example.com/a%e2%82%ff", kScrapy));
    }
}

// ---- differential test against Protego 0.2.1 (Scrapy 2.8's robots.txt parser) -----------

namespace {

const std::vector<std::string> kRobotsCorpus = {
    "User-agent: *\nDisallow: /private/\n",
    "User-agent: *\nDisallow: /\nAllow: /public/\nAllow: /$\n",
    "User-agent: *\nDisallow: /*.php$\nDisallow: /tmp*/cache\nAllow: /tmp/ok*\nDisallow: "
    "/*?sessionid=\n",
    "User-agent: googlebot\nDisallow: /g/\n\nUser-agent: scrapy\nUser-agent: otherbot\nDisallow: "
    "/s/\n"
    "Crawl-delay: 2.5\n\nUser-agent: *\nDisallow: /all/\nCrawl-delay: 1\n",
    "User-agent: a\nDisallow: /x\nUser-agent: scrapy\nDisallow: /y\nUser-agent: a\nDisallow: /z\n"
    "User-agent: scrapy\nDisallow: /z\n",
    "  USER-AGENT :  *   # everyone\n\tDISALLOW:/Secret # hidden\nallow: /Secret/open\n# only a "
    "comment\n",
    "User-agent: *\nDisallow: /caf%C3%A9/\nDisallow: /a%2fb\nDisallow: /%7Euser\nDisallow: /spa "
    "ce\n"
    "Disallow: /caf\xC3\xA9"
    "2/\n",
    "user-agent *\ndisallow /nocolon\nDisallow /ignored\n",
    "Disallow: /early\nUser-agent: *\nDisallow: /late\n",
    "User-agent: *\nDisallow:\n",
    "User-agent: *\nDisallow: /dir/\nAllow: /dir/index.html\n",
    "User-agent: *\nCrawl-delay: abc\nDisallow: /x\n",
    "User-agent: *\nCrawl-delay: 0.2\nDisallow: /x\n",
    "User-agent: scr*py\nDisallow: /w/\n",
    "User-agent: *\nDisallow: /a$b\nDisallow: /end$\nAllow: /q?x=1$\n",
    "User-agent: *\r\nDisallow: /crlf\r\nSitemap: http://example.com/sitemap.xml\r\nHost: "
    "example.com\r\n"
    "Request-rate: 1/5s\r\n",
    "User-agent: *\nDisallow: /p;jsessionid\nDisallow: /search?q=\nAllow: /search?q=ok\n",
    "",
    "<html><body>Not a robots.txt</body></html>\n",
    "User-agent: *\nDisallow: /same\nAllow: /same\n",
    "User-agent: a\nUser-agent: b\nDisallow: /ab\nUser-agent: scrapy\nDisallow: /c\n",
    "User-agent: bot\nDisallow: /1\nUser-agent: scrapybot\nDisallow: /2\nUser-agent: Googlebot\n"
    "Disallow: /1\nDisallow: /2\n",
    "User-agent: *\nDisallow: /**/x**y$\n",
    "User-agent: *\nDisallow: /t\tab\n",
    "User-agent: *\x0b"
    "Disallow: /vt\x0c"
    "Disallow: /ff\xe2\x80\xa8"
    "Disallow: /ls\n",
    "User-agent: *\nDisallow: /%E0%80\nDisallow: /%zz\nAllow: /%\n",
    "User-agent: *\nDisallow: /*frag\nDisallow: /a/*/b$\n",
    "User-agent: Scrapy\nAllow: /\nDisallow: /private\nCrawl-delay: 3\nUser-agent: *\nDisallow: "
    "/\n",
};

const std::vector<std::string> kRobotsUrls = {
    "http://example.com/",
    "http://example.com",
    "http://example.com?x=1",
    "http://example.com/private/",
    "http://example.com/private/page.html",
    "http://example.com/Private/x",
    "http://example.com/public/a",
    "http://example.com/index.php",
    "http://example.com/index.php?x=1",
    "http://example.com/a.php5",
    "http://example.com/tmpx/cache/1",
    "http://example.com/tmp/ok/cache",
    "http://example.com/page?sessionid=42",
    "http://example.com/g/1",
    "http://example.com/s/1",
    "http://example.com/all/1",
    "http://example.com/x",
    "http://example.com/y",
    "http://example.com/z",
    "http://example.com/Secret",
    "http://example.com/secret",
    "http://example.com/Secret/open",
    "http://example.com/caf%C3%A9/",
    "http://example.com/caf\xC3\xA9/",
    "http://example.com/caf%c3%a9/",
    "http://example.com/a/b",
    "http://example.com/a%2fb",
    "http://example.com/a%2Fb",
    "http://example.com/~user",
    "http://example.com/%7euser",
    "http://example.com/spa%20ce",
    "http://example.com/caf\xC3\xA9"
    "2/x",
    "http://example.com/nocolon",
    "http://example.com/early",
    "http://example.com/late",
    "http://example.com/dir/",
    "http://example.com/dir/index.html",
    "http://example.com/dir/other",
    "http://example.com/w/",
    "http://example.com/a$b",
    "http://example.com/a%24b",
    "http://example.com/end",
    "http://example.com/end$",
    "http://example.com/q?x=1",
    "http://example.com/crlf",
    "http://example.com/p;jsessionid=1",
    "http://example.com/p;jsessionid",
    "http://example.com/search?q=",
    "http://example.com/search?q=ok",
    "http://example.com/search?q=no",
    "http://example.com/same",
    "http://example.com/ab",
    "http://example.com/c",
    "http://example.com/1",
    "http://example.com/2",
    "http://example.com/a/x/by",
    "http://example.com/ax/y",
    "http://example.com/tab",
    "http://example.com/t%09ab",
    "http://example.com/frag#x",
    "http://example.com/x#frag",
    "http://example.com/%E0%80/bad",
    "http://example.com/%zz",
    "http://example.com/vt",
    "http://example.com/ff",
    "http://example.com/ls",
    "http://example.com/a/q/b",
    "https://example.com:8443/private/x",
    "http://example.com/private;x/y",
};

const std::vector<std::string> kAgents = {kScrapy, "Googlebot/2.1", "otherbot",
                                          "Mozilla/5.0 (X11)"};

constexpr const char* kProtegoScript = R"py(
from protego import Protego
parsed = {}
for text, url, agent in rows():
    try:
        if text not in parsed:
            parsed[text] = Protego.parse(text)
        rp = parsed[text]
        answer("%d %r" % (rp.can_fetch(url, agent), rp.crawl_delay(agent)))
    except Exception as exc:
        error(exc)
)py";

std::string pythonRepr(std::optional<double> value) {
    if (!value) {
        return "None";
    }
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *value);
    std::string text(buffer, end);
    if (text.find_first_of(".en") == std::string::npos) {
        text += ".0";
    }
    return text;
}

} // namespace

TEST_CASE("robots.txt answers match Protego's on a corpus of files, URLs and agents") {
    std::vector<std::vector<std::string>> rows;
    for (const auto& text : kRobotsCorpus) {
        for (const auto& url : kRobotsUrls) {
            for (const auto& agent : kAgents) {
                rows.push_back({text, url, agent});
            }
        }
    }
    auto answers = spider::testing::runPythonOracle(kProtegoScript, rows);
    REQUIRE(answers.size() == rows.size());
    std::size_t mismatches = 0;
    std::size_t disallowed = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto robots = RobotsTxt::parse(rows[i][0]);
        std::string ours = std::string(robots.allowed(rows[i][1], rows[i][2]) ? "1" : "0") + " " +
                           pythonRepr(robots.crawlDelay(rows[i][2]));
        REQUIRE(answers[i].value.has_value());
        disallowed += ours[0] == '0';
        if (ours != *answers[i].value) {
            ++mismatches;
            if (mismatches <= 20) {
                UNSCOPED_INFO("robots.txt " << rows[i][0] << "\nurl " << rows[i][1] << " agent "
                                            << rows[i][2] << ": protego '" << *answers[i].value
                                            << "', ours '" << ours << "'");
            }
        }
    }
    CHECK(mismatches == 0);
    // The corpus must exercise both answers, or the comparison proves little.
    CHECK(disallowed > 100);
    CHECK(rows.size() - disallowed > 100);
}
