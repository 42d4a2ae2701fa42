// The Spider contract without a network: HtmlResponse, the default start(), typed
// arguments, HttpError.
#include "crawler/spider.h"
#include "http/url.h"

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using spider::HtmlResponse;
using spider::Request;
using spider::Response;

constexpr const char* kPage = R"(<html><body>
<div class="quote"><span class="text">One</span><a class="tag">a</a><a class="tag">b</a></div>
<div class="quote"><span class="text">Two</span></div>
<ul class="pager"><li class="next"><a href="2.html?#x">Next</a></li></ul>
</body></html>)";

HtmlResponse page(std::string url = "http://example.com/p/1.html", int depth = 3) {
    auto response = std::make_shared<Response>();
    response->url = std::move(url);
    response->status = 200;
    response->headers = {{"Content-Type", "text/html; charset=utf-8"}};
    response->body = kPage;
    response->request.url = response->url;
    response->request.depth = depth;
    response->request.meta.set("k", spider::Value(1));
    return HtmlResponse(std::move(response));
}

// Drains a generator whose body never waits (so every pull fires at once).
template <class T>
std::vector<T> drainSynchronously(spider::AsyncGenerator<T>& generator) {
    std::vector<T> values;
    for (;;) {
        std::optional<std::optional<T>> next;
        generator.nextDeferred().addCallback(
            [&](std::optional<T> v) { next.emplace(std::move(v)); });
        REQUIRE(next.has_value());
        if (!*next)
            return values;
        values.push_back(std::move(**next));
    }
}

class StartOnly final : public spider::Spider {
  public:
    std::string_view name() const override { return "start_only"; }
    std::vector<std::string> startUrls() const override {
        return {"http://a.example/", "http://b.example/x"};
    }
    spider::CallbackStream callback(std::string_view, HtmlResponse) override {
        throw spider::UnknownCallbackError("none");
    }
    spider::SpiderContext& exposedContext() const { return context(); }
};

} // namespace

TEST_CASE("an HtmlResponse answers css and xpath queries on its page") {
    HtmlResponse response = page();
    CHECK(response.css("span.text::text").getall() == std::vector<std::string>{"One", "Two"});
    CHECK(response.xpath("//div[1]//a[@class='tag']/text()").getall() ==
          std::vector<std::string>{"a", "b"});
    CHECK(response.status() == 200);
    CHECK(response.meta().find("k")->asInt() == 1);
    CHECK(response.depth() == 3);
}

TEST_CASE("copies of an HtmlResponse share one parsed document") {
    HtmlResponse response = page();
    HtmlResponse copy = response;
    CHECK(&response.selector() == &copy.selector());
    CHECK(&response.text() == &copy.text());
}

TEST_CASE("follow resolves a relative link against the page and deepens the request") {
    HtmlResponse response = page();
    Request prototype;
    prototype.callback = "detail";
    prototype.priority = 5;
    prototype.cbKwargs.set("n", spider::Value(2));
    Request next = response.follow("2.html?#x", prototype);
    CHECK(next.url == "http://example.com/p/2.html#x"); // urljoin drops an empty query, as Python
    CHECK(next.depth == 4);
    CHECK(next.callback == "detail");
    CHECK(next.priority == 5);
    CHECK(next.cbKwargs.find("n")->asInt() == 2);

    std::vector<Request> all = response.followAll({"/a", "../b", "http://other.example/c"});
    REQUIRE(all.size() == 3);
    CHECK(all[0].url == "http://example.com/a");
    CHECK(all[1].url == "http://example.com/b");
    CHECK(all[2].url == "http://other.example/c");
    CHECK(all[2].depth == 4);
}

TEST_CASE("an HtmlResponse parses the same page whether or not its body needed decoding") {
    struct Case {
        const char* contentType;
        std::string body;
    };
    const std::vector<Case> cases = {
        {"text/html; charset=utf-8", "<p>caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D</p>"},
        {"text/html; charset=utf-8", "\xEF\xBB\xBF<p>after a byte-order mark</p>"},
        {"text/html; charset=utf-8", "<p>bad \xFF\xC3 bytes</p>"},
        {"text/html", "<meta charset=\"utf-8\"><p>declared in the page \xC3\xA9</p>"},
        {"text/html", "<p>no charset, valid \xC3\xA9</p>"},
        {"text/html", "<p>no charset, latin-1 \xE9</p>"},
        {"text/html; charset=iso-8859-1", "<p>caf\xE9</p>"},
        {"text/html; charset=utf-16le", std::string("<\0p\0>\0x\0", 8)},
    };
    for (const Case& c : cases) {
        auto response = std::make_shared<Response>();
        response->url = "http://example.com/";
        response->status = 200;
        response->headers = {{"Content-Type", c.contentType}};
        response->body = c.body;
        HtmlResponse html(response);
        spider::Selector expected = spider::Selector::fromText(response->text());
        CAPTURE(c.contentType, c.body);
        CHECK(html.css("p::text").getall() == expected.css("p::text").getall());
        CHECK(html.selector().get() == expected.get());
        CHECK(html.text() == response->text());
    }
}

TEST_CASE("urljoin gives what spider::urljoin gives for every kind of link") {
    HtmlResponse response = page("http://Example.com:80/a/b/c.html?q=1#frag");
    for (const char* href : {"d.html", "../d", "./", "/x?y", "?z", "#f", "//other.example/p",
                             "https://x.example", "  e f.html\n", "g/h/../i", "", ".."}) {
        CAPTURE(href);
        CHECK(response.urljoin(href) == spider::urljoin(response.url(), href).value_or(href));
    }
}

TEST_CASE("urljoin returns a link it cannot resolve unchanged") {
    HtmlResponse response = page();
    CHECK(response.urljoin("mailto:someone@example.com") == "mailto:someone@example.com");
    CHECK(response.urljoin("http://[bad") == "http://[bad");
}

TEST_CASE("the default start yields one dont_filter parse request per start URL") {
    StartOnly spider;
    spider::StartStream start = spider.start();
    std::vector<Request> requests = drainSynchronously(start);
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].url == "http://a.example/");
    CHECK(requests[1].url == "http://b.example/x");
    for (const Request& request : requests) {
        CHECK(request.dontFilter);
        CHECK(request.callback == "parse");
        CHECK(request.depth == 0);
    }
}

TEST_CASE("the default errback reports an unknown errback name") {
    StartOnly spider;
    CHECK_THROWS_AS(spider.errback("onError", spider::Failure(std::runtime_error("x")), Request{}),
                    spider::UnknownCallbackError);
}

TEST_CASE("a spider that is not attached to an engine says so") {
    StartOnly spider;
    CHECK_THROWS_WITH(spider.exposedContext(), Catch::Contains("not attached"));
}

TEST_CASE("typed arguments convert -a strings and name the argument when they cannot") {
    spider::ValueMap args{{"pages", spider::Value("12")}, {"ratio", spider::Value(" 0.5 ")},
                          {"deep", spider::Value("Yes")}, {"name", spider::Value("x")},
                          {"typed", spider::Value(7)},    {"bad", spider::Value("ten")}};
    CHECK(spider::argumentInt(args, "pages") == 12);
    CHECK(spider::argumentInt(args, "typed") == 7);
    CHECK(spider::argumentInt(args, "missing", 3) == 3);
    CHECK(spider::argumentFloat(args, "ratio") == 0.5);
    CHECK(spider::argumentFloat(args, "typed") == 7.0);
    CHECK(spider::argumentBool(args, "deep"));
    CHECK(spider::argumentString(args, "name") == "x");
    CHECK(spider::argumentString(args, "missing", "d") == "d");
    CHECK_THROWS_WITH(spider::argumentInt(args, "bad"),
                      "argument 'bad' expects an integer, got 'ten'");
    CHECK_THROWS_AS(spider::argumentFloat(args, "bad"), spider::SpiderArgumentError);
    CHECK_THROWS_AS(spider::argumentBool(args, "bad"), spider::SpiderArgumentError);
    CHECK_THROWS_AS(spider::argumentInt(args, "ratio"), spider::SpiderArgumentError);
}

TEST_CASE("an HttpError names the status and the URL and keeps the response") {
    auto response = std::make_shared<Response>();
    response->url = "http://example.com/missing";
    response->status = 404;
    spider::HttpError error{HtmlResponse(response)};
    CHECK(error.status() == 404);
    CHECK(error.url() == "http://example.com/missing");
    CHECK(std::string(error.what()) ==
          "HTTP status code 404 is not handled or not allowed: <404 http://example.com/missing>");
}

TEST_CASE("a SpiderError carries the position it was raised at") {
    spider::SpiderError error("bad page");
    CHECK(error.where().known());
    CHECK(std::string(error.where().file).find("spider_test.cpp") != std::string::npos);
}
