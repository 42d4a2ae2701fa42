#include "http/client.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using spider::HttpClient;
using spider::HttpClientOptions;
using spider::HttpFailureKind;
using spider::HttpResult;
using spider::Reactor;
using spider::Request;

namespace {

// client_test_server.py in a child process, on a free port of 127.0.0.1; killed on scope exit.
class TestServer {
  public:
    explicit TestServer(bool tls = false) {
        int out[2];
        if (pipe(out) != 0) {
            throw std::runtime_error("pipe failed");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attr, &none); // the server must die on SIGTERM
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
        const char* argv[] = {SPIDER_PYTHON, SPIDER_TEST_SERVER, tls ? "--tls" : nullptr, nullptr};
        int rc = posix_spawn(&pid_, SPIDER_PYTHON, &actions, &attr, const_cast<char* const*>(argv),
                             environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        close(out[1]);
        if (rc != 0) {
            close(out[0]);
            throw std::runtime_error("cannot start " SPIDER_TEST_SERVER);
        }
        std::string line;
        pollfd pfd{out[0], POLLIN, 0};
        while (line.find('\n') == std::string::npos && poll(&pfd, 1, 10000) > 0) {
            char buf[64];
            ssize_t n = read(out[0], buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            line.append(buf, static_cast<std::size_t>(n));
        }
        close(out[0]);
        port_ = std::atoi(line.c_str());
        tls_ = tls;
        if (port_ <= 0) {
            stop();
            throw std::runtime_error("test server did not print its port: '" + line + "'");
        }
    }
    ~TestServer() { stop(); }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::string url(const std::string& path) const {
        return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
               path;
    }
    int port() const { return port_; }

  private:
    void stop() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    pid_t pid_ = -1;
    int port_ = 0;
    bool tls_ = false;
};

HttpClientOptions testOptions() {
    HttpClientOptions options;
    options.proxy = ""; // never route 127.0.0.1 through a proxy from the environment
    options.timeout = 20;
    return options;
}

Request get(const std::string& url) {
    Request request;
    request.url = url;
    return request;
}

// Runs the reactor until every expected result arrived or a deadline passed.
bool runUntil(Reactor& reactor, const std::function<bool()>& done, double seconds = 20) {
    const double deadline = reactor.seconds() + seconds;
    while (!done()) {
        if (reactor.seconds() > deadline) {
            return false;
        }
        reactor.iterate(0.1);
    }
    return true;
}

HttpResult fetch(Reactor& reactor, HttpClient& client, Request request) {
    std::optional<HttpResult> result;
    client.start(std::move(request), [&](HttpResult r) { result = std::move(r); });
    if (!runUntil(reactor, [&] { return result.has_value(); })) {
        throw std::runtime_error("fetch did not complete in time");
    }
    return std::move(*result);
}

std::string describe(const HttpResult& result) {
    return result.ok() ? "status " + std::to_string(result.response().status)
                       : result.failure().message;
}

// A port on 127.0.0.1 nothing listens on: bound (so no one else takes it) but not listening.
struct ClosedPort {
    ClosedPort() {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        socklen_t len = sizeof addr;
        REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port = ntohs(addr.sin_port);
    }
    ~ClosedPort() { close(fd); }
    int fd = -1;
    int port = 0;
};

} // namespace

TEST_CASE("a GET returns the status, headers and body") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    Request request = get(server.url("/hello"));
    request.meta["k"] = "v";
    HttpResult result = fetch(reactor, client, request);
    INFO(describe(result));
    REQUIRE(result.ok());
    const auto& response = result.response();
    CHECK(response.status == 200);
    CHECK(response.body == "hello world");
    CHECK(response.url == server.url("/hello"));
    CHECK(response.header("content-type") == std::optional<std::string_view>("text/plain"));
    CHECK(response.header("CONTENT-LENGTH") == std::optional<std::string_view>("11"));
    CHECK(response.protocol == "HTTP/1.1");
    CHECK(response.ipAddress == "127.0.0.1");
    CHECK(response.redirectUrls.empty());
    REQUIRE(response.request.meta.find("k") != nullptr);
    CHECK(*response.request.meta.find("k") == spider::Value("v"));
    CHECK(response.timing.total > 0);
    CHECK(response.timing.total >= response.timing.startTransfer);
    CHECK(response.timing.startTransfer >= response.timing.connect);
    CHECK(client.inFlight() == 0);
}

TEST_CASE("sequential requests reuse one keep-alive connection") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    long opened = 0;
    for (int i = 0; i < 20; ++i) {
        HttpResult result = fetch(reactor, client, get(server.url("/hello")));
        REQUIRE(result.ok());
        opened += result.response().newConnections;
    }
    CHECK(opened == 1);
    HttpResult count = fetch(reactor, client, get(server.url("/connections")));
    REQUIRE(count.ok());
    CHECK(count.response().body == "1");
}

TEST_CASE("a POST sends its form body and headers") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    Request request = get(server.url("/echo"));
    request.method = "post";
    request.body = "name=spider&lang=c%2B%2B";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"X-Custom", "one"},
                       {"X-Custom", "two"}};
    HttpResult result = fetch(reactor, client, request);
    INFO(describe(result));
    REQUIRE(result.ok());
    const std::string& echo = result.response().body;
    CHECK_THAT(echo, Catch::Contains("\"method\": \"POST\""));
    CHECK_THAT(echo, Catch::Contains("\"body\": \"name=spider&lang=c%2B%2B\""));
    CHECK_THAT(echo, Catch::Contains("[\"X-Custom\", \"one\"], [\"X-Custom\", \"two\"]"));
    CHECK_THAT(echo, Catch::Contains("application/x-www-form-urlencoded"));
    CHECK_THAT(echo, Catch::Contains("\"User-Agent\", \"spider/0.1\""));
    CHECK_THAT(echo, !Catch::Contains("Expect"));
}

TEST_CASE("a User-Agent header overrides the client's") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    Request request = get(server.url("/echo"));
    request.headers = {{"User-Agent", "custom-agent/2"}};
    HttpResult result = fetch(reactor, client, request);
    REQUIRE(result.ok());
    CHECK_THAT(result.response().body, Catch::Contains("\"User-Agent\", \"custom-agent/2\""));
    CHECK_THAT(result.response().body, !Catch::Contains("spider/0.1"));
}

TEST_CASE("4xx and 5xx statuses are responses, not failures") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    for (int status : {404, 500, 503}) {
        HttpResult result =
            fetch(reactor, client, get(server.url("/status/" + std::to_string(status))));
        INFO(describe(result));
        REQUIRE(result.ok());
        CHECK(result.response().status == status);
        CHECK(result.response().body == "status " + std::to_string(status));
    }
}

TEST_CASE("redirects are followed and the chain is recorded") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult result = fetch(reactor, client, get(server.url("/redirect/3")));
    INFO(describe(result));
    REQUIRE(result.ok());
    const auto& response = result.response();
    CHECK(response.status == 200);
    CHECK(response.body == "done");
    CHECK(response.url == server.url("/redirect/0"));
    CHECK(response.request.url == server.url("/redirect/3"));
    CHECK(response.redirectUrls == std::vector<std::string>{server.url("/redirect/3"),
                                                            server.url("/redirect/2"),
                                                            server.url("/redirect/1")});
    // The headers are the final response's only.
    CHECK(response.headerValues("Content-Length").size() == 1);
    CHECK(!response.header("Location").has_value());
}

TEST_CASE("a request that does not follow redirects gets the 302 itself") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    Request request = get(server.url("/redirect/2"));
    request.followRedirects = false;
    HttpResult result = fetch(reactor, client, request);
    REQUIRE(result.ok());
    CHECK(result.response().status == 302);
    CHECK(result.response().header("Location") == std::optional<std::string_view>("/redirect/1"));
}

TEST_CASE("more redirects than allowed fail with TooManyRedirects") {
    TestServer server;
    Reactor reactor;
    HttpClientOptions options = testOptions();
    options.maxRedirects = 2;
    HttpClient client(reactor, options);
    HttpResult result = fetch(reactor, client, get(server.url("/redirect/5")));
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == HttpFailureKind::TooManyRedirects);
    CHECK(fetch(reactor, client, get(server.url("/redirect/2"))).ok());
}

TEST_CASE("a redirect loop fails with TooManyRedirects before maxRedirects round trips") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult result = fetch(reactor, client, get(server.url("/loop")));
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == HttpFailureKind::TooManyRedirects);
    CHECK_THAT(result.failure().message, Catch::Contains("redirect loop"));
    CHECK_THAT(result.failure().message, Catch::Contains(server.url("/loop")));
}

TEST_CASE("a redirect to ftp is refused as BadScheme") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult result = fetch(reactor, client, get(server.url("/to-ftp")));
    INFO(describe(result));
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == HttpFailureKind::BadScheme);
}

TEST_CASE("a URL with another scheme or none fails without a crash") {
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult ftp = fetch(reactor, client, get("ftp://127.0.0.1/file"));
    REQUIRE_FALSE(ftp.ok());
    CHECK(ftp.failure().kind == HttpFailureKind::BadScheme);
    CHECK(ftp.failure().request.url == "ftp://127.0.0.1/file");
    HttpResult bare = fetch(reactor, client, get("example.com/page"));
    REQUIRE_FALSE(bare.ok());
    CHECK(bare.failure().kind == HttpFailureKind::BadUrl);
    HttpResult empty = fetch(reactor, client, get(""));
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.failure().kind == HttpFailureKind::BadUrl);
    HttpResult badPort = fetch(reactor, client, get("http://127.0.0.1:99999999/"));
    REQUIRE_FALSE(badPort.ok());
    CHECK(badPort.failure().kind == HttpFailureKind::BadUrl);
}

TEST_CASE("the callback never runs inside start") {
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    bool called = false;
    client.start(get("gopher://x/"), [&](HttpResult) { called = true; });
    CHECK_FALSE(called);
    REQUIRE(runUntil(reactor, [&] { return called; }));
}

TEST_CASE("a header with a line break is refused as InvalidRequest") {
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    Request request = get("http://127.0.0.1:1/");
    request.headers = {{"X-Evil", "a\r\nInjected: yes"}};
    HttpResult result = fetch(reactor, client, request);
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == HttpFailureKind::InvalidRequest);
}

TEST_CASE("a gzip body is decoded") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult result = fetch(reactor, client, get(server.url("/gzip")));
    INFO(describe(result));
    REQUIRE(result.ok());
    std::string expected;
    for (int i = 0; i < 100; ++i) {
        expected += "compressed hello ";
    }
    CHECK(result.response().body == expected);
    CHECK(result.response().header("Content-Encoding") == std::optional<std::string_view>("gzip"));
}

TEST_CASE("a slow server fails with Timeout") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    Request request = get(server.url("/slow?s=5"));
    request.timeout = 0.3;
    const double start = reactor.seconds();
    HttpResult result = fetch(reactor, client, request);
    INFO(describe(result));
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == HttpFailureKind::Timeout);
    CHECK(result.failure().curlCode == 28);
    CHECK(reactor.seconds() - start < 3);
}

TEST_CASE("a body over the size limit fails with TooLarge") {
    TestServer server;
    Reactor reactor;
    HttpClientOptions options = testOptions();
    options.maxSize = 10000;
    std::vector<std::string> warnings;
    options.warnSize = 5000;
    options.onWarning = [&](std::string_view message) { warnings.emplace_back(message); };
    HttpClient client(reactor, options);

    SECTION("declared by Content-Length") {
        HttpResult result = fetch(reactor, client, get(server.url("/big?n=20000")));
        REQUIRE_FALSE(result.ok());
        CHECK(result.failure().kind == HttpFailureKind::TooLarge);
    }
    SECTION("found while reading a chunked body") {
        HttpResult result = fetch(reactor, client, get(server.url("/big-chunked?n=50000")));
        INFO(describe(result));
        REQUIRE_FALSE(result.ok());
        CHECK(result.failure().kind == HttpFailureKind::TooLarge);
    }
    SECTION("overridden per request") {
        Request request = get(server.url("/big?n=20000"));
        request.maxSize = 0; // no limit
        HttpResult result = fetch(reactor, client, request);
        REQUIRE(result.ok());
        CHECK(result.response().body.size() == 20000);
    }
    SECTION("under the limit but over the warn size: a response and one warning") {
        HttpResult result = fetch(reactor, client, get(server.url("/big-chunked?n=8000")));
        REQUIRE(result.ok());
        CHECK(result.response().body.size() == 8000);
        REQUIRE(warnings.size() == 1);
        CHECK_THAT(warnings[0], Catch::Contains("warn size"));
    }
}

TEST_CASE("a refused connection fails with ConnectFailed") {
    ClosedPort closed;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult result =
        fetch(reactor, client, get("http://127.0.0.1:" + std::to_string(closed.port) + "/"));
    INFO(describe(result));
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == HttpFailureKind::ConnectFailed);
    CHECK_THAT(result.failure().message, Catch::Contains(std::to_string(closed.port)));
}

TEST_CASE("200 concurrent requests all complete") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    constexpr int kRequests = 200;
    int ok = 0;
    int failed = 0;
    for (int i = 0; i < kRequests; ++i) {
        client.start(get(server.url("/echo?i=" + std::to_string(i))), [&, i](HttpResult r) {
            if (r.ok() && r.response().status == 200 &&
                r.response().url == server.url("/echo?i=" + std::to_string(i))) {
                ++ok;
            } else {
                ++failed;
            }
        });
    }
    CHECK(client.inFlight() == kRequests);
    REQUIRE(runUntil(
        reactor, [&] { return ok + failed == kRequests; }, 60));
    CHECK(ok == kRequests);
    CHECK(client.inFlight() == 0);
}

TEST_CASE("keep-alive connections outlive a burst of transfers that end together") {
    // libcurl's default connection cache holds 4x the transfers attached at the moment one
    // ends: when a whole burst ends, it would close connections the next burst wants.
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    constexpr int kBurst = 16;
    auto burst = [&] {
        int done = 0;
        long opened = 0;
        for (int i = 0; i < kBurst; ++i) {
            client.start(get(server.url("/slow?s=0.3")), [&](HttpResult r) {
                ++done;
                if (r.ok()) {
                    opened += r.response().newConnections;
                }
            });
        }
        REQUIRE(runUntil(reactor, [&] { return done == kBurst; }));
        return opened;
    };
    CHECK(burst() == kBurst);
    CHECK(burst() == 0);
    HttpResult count = fetch(reactor, client, get(server.url("/connections")));
    REQUIRE(count.ok());
    CHECK(count.response().body == std::to_string(kBurst));
}

TEST_CASE("a keep-alive connection the server closes while idle is let go, and the next "
          "request connects again") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    auto watchedFds = [&] {
        int n = 0;
        for (int fd = 0; fd < 1024; ++fd) {
            n += reactor.watchedEvents(fd) != 0 ? 1 : 0;
        }
        return n;
    };
    const int idle = watchedFds();
    HttpResult first = fetch(reactor, client, get(server.url("/then-close")));
    REQUIRE(first.ok());
    CHECK(first.response().body == "closing");
    // The socket stays watched between transfers until its end of file shows: then the
    // client drops the watch instead of waking up for it again and again.
    CHECK(runUntil(reactor, [&] { return watchedFds() == idle; }));
    HttpResult second = fetch(reactor, client, get(server.url("/hello")));
    INFO(describe(second));
    REQUIRE(second.ok());
    CHECK(second.response().body == "hello world");
    CHECK(second.response().newConnections == 1);
}

TEST_CASE("each request sends one User-Agent and one Accept-Encoding, its own overriding "
          "the client's") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    auto count = [](const std::string& text, const std::string& what) {
        std::size_t n = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
            ++n;
        }
        return n;
    };
    HttpResult plain = fetch(reactor, client, get(server.url("/echo")));
    REQUIRE(plain.ok());
    CHECK(count(plain.response().body, "\"User-Agent\", \"spider/0.1\"") == 1);
    CHECK(count(plain.response().body, "\"Accept-Encoding\"") == 1);
    CHECK_THAT(plain.response().body, Catch::Contains("gzip"));

    Request own = get(server.url("/echo"));
    own.headers = {{"accept-encoding", "identity"}, {"X-One", "1"}};
    HttpResult overridden = fetch(reactor, client, own);
    REQUIRE(overridden.ok());
    CHECK(count(overridden.response().body, "ccept-Encoding\"") +
              count(overridden.response().body, "ccept-encoding\"") ==
          1);
    CHECK_THAT(overridden.response().body, Catch::Contains("identity"));
    CHECK_THAT(overridden.response().body, !Catch::Contains("gzip"));
    CHECK(count(overridden.response().body, "spider/0.1") == 1);

    HttpClientOptions options = testOptions();
    options.compression = false;
    HttpClient uncompressed(reactor, options);
    HttpResult none = fetch(reactor, uncompressed, get(server.url("/echo")));
    REQUIRE(none.ok());
    CHECK_THAT(none.response().body, !Catch::Contains("Accept-Encoding"));
    CHECK_THAT(none.response().body, Catch::Contains("spider/0.1"));
}

TEST_CASE("a reused handle carries nothing from one request to the next") {
    TestServer server;
    Reactor reactor;
    HttpClientOptions options = testOptions();
    options.easyHandlePoolSize = 1; // every transfer below reuses the same handle
    HttpClient client(reactor, options);
    auto echo = [&](Request request) {
        HttpResult result = fetch(reactor, client, std::move(request));
        REQUIRE(result.ok());
        return result.response().body;
    };
    std::string first = echo(get(server.url("/echo")));
    CHECK_THAT(first, Catch::Contains("\"method\": \"GET\""));

    Request post = get(server.url("/echo"));
    post.method = "POST";
    post.body = "a=1";
    post.headers = {{"X-Custom", "one"}, {"User-Agent", "custom-agent/2"}};
    std::string posted = echo(post);
    CHECK_THAT(posted, Catch::Contains("\"method\": \"POST\""));
    CHECK_THAT(posted, Catch::Contains("custom-agent/2"));

    std::string after = echo(get(server.url("/echo")));
    CHECK_THAT(after, Catch::Contains("\"method\": \"GET\""));
    CHECK_THAT(after, Catch::Contains("\"body\": \"\""));
    CHECK_THAT(after, !Catch::Contains("X-Custom"));
    CHECK_THAT(after, !Catch::Contains("custom-agent/2"));
    CHECK_THAT(after, Catch::Contains("spider/0.1"));

    Request head = get(server.url("/hello"));
    head.method = "HEAD";
    HttpResult headResult = fetch(reactor, client, head);
    REQUIRE(headResult.ok());
    CHECK(headResult.response().body.empty());
    HttpResult again = fetch(reactor, client, get(server.url("/hello")));
    REQUIRE(again.ok());
    CHECK(again.response().body == "hello world");

    Request limited = get(server.url("/big?n=5000"));
    limited.maxSize = 100;
    HttpResult tooLarge = fetch(reactor, client, limited);
    REQUIRE_FALSE(tooLarge.ok());
    CHECK(tooLarge.failure().kind == HttpFailureKind::TooLarge);
    HttpResult big = fetch(reactor, client, get(server.url("/big?n=5000")));
    INFO(describe(big));
    REQUIRE(big.ok());
    CHECK(big.response().body.size() == 5000);
}

TEST_CASE("cancel mid-transfer calls back once with Cancelled") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    int calls = 0;
    std::optional<HttpResult> result;
    auto id = client.start(get(server.url("/drip")), [&](HttpResult r) {
        ++calls;
        result = std::move(r);
    });
    bool cancelled = false;
    reactor.callLater(0.3, [&] { cancelled = client.cancel(id); });
    REQUIRE(runUntil(reactor, [&] { return calls > 0; }));
    CHECK(cancelled);
    REQUIRE(result.has_value());
    REQUIRE_FALSE(result->ok());
    CHECK(result->failure().kind == HttpFailureKind::Cancelled);
    CHECK_FALSE(client.cancel(id));
    // Nothing more arrives for it, and the client keeps working.
    reactor.iterate(0.2);
    CHECK(calls == 1);
    CHECK(fetch(reactor, client, get(server.url("/hello"))).ok());
}

TEST_CASE("cancelAll cancels every transfer in flight") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    int cancelled = 0;
    for (int i = 0; i < 5; ++i) {
        client.start(get(server.url("/slow?s=3")), [&](HttpResult r) {
            const auto* failure = std::get_if<spider::HttpFailure>(&r.value);
            if (failure != nullptr && failure->kind == HttpFailureKind::Cancelled) {
                ++cancelled;
            }
        });
    }
    reactor.iterate(0.05);
    client.cancelAll();
    CHECK(cancelled == 5);
    CHECK(client.inFlight() == 0);
}

TEST_CASE("a client destroyed from its own callback stops cleanly") {
    TestServer server;
    Reactor reactor;
    auto client = std::make_unique<HttpClient>(reactor, testOptions());
    int calls = 0;
    for (int i = 0; i < 3; ++i) {
        client->start(get(server.url("/hello")), [&](HttpResult) {
            ++calls;
            client.reset();
        });
    }
    runUntil(reactor, [&] { return calls > 0; });
    reactor.iterate(0.1);
    reactor.iterate(0.1);
    CHECK(calls == 1);
    CHECK(client == nullptr);
}

TEST_CASE("a latin-1 page is decoded with the charset from the header") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult result = fetch(reactor, client, get(server.url("/latin1-header")));
    REQUIRE(result.ok());
    CHECK(result.response().charset() == "windows-1252");
    CHECK(result.response().text() == "<p>caf\xC3\xA9 cr\xC3\xA8me</p>");
}

TEST_CASE("a latin-1 page is decoded with the charset from meta charset") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult result = fetch(reactor, client, get(server.url("/latin1-meta")));
    REQUIRE(result.ok());
    CHECK(result.response().charset() == "windows-1252");
    CHECK_THAT(result.response().text(), Catch::Contains("<body>caf\xC3\xA9</body>"));
}

TEST_CASE("a windows-1251 page is decoded with the charset from meta http-equiv") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    HttpResult result = fetch(reactor, client, get(server.url("/cp1251-http-equiv")));
    REQUIRE(result.ok());
    CHECK(result.response().charset() == "windows-1251");
    CHECK_THAT(result.response().text(),
               Catch::Contains("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"));
}

TEST_CASE("cookies set by a response are sent by later requests of the same client") {
    TestServer server;
    Reactor reactor;
    HttpClient client(reactor, testOptions());
    REQUIRE(fetch(reactor, client, get(server.url("/set-cookie"))).ok());
    HttpResult result = fetch(reactor, client, get(server.url("/cookies")));
    REQUIRE(result.ok());
    CHECK(result.response().body == "flavour=oatmeal");

    HttpClient other(reactor, testOptions());
    HttpResult fresh = fetch(reactor, other, get(server.url("/cookies")));
    REQUIRE(fresh.ok());
    CHECK(fresh.response().body.empty());
}

TEST_CASE("a configured proxy receives the request in absolute form") {
    TestServer proxy;
    Reactor reactor;
    HttpClientOptions options = testOptions();
    options.proxy = proxy.url("");
    HttpClient client(reactor, options);
    HttpResult result = fetch(reactor, client, get("http://example.invalid/page?q=1"));
    INFO(describe(result));
    REQUIRE(result.ok());
    CHECK(result.response().body == "proxied http://example.invalid/page?q=1");
}

TEST_CASE("meta proxy routes one request through a proxy and leaves the next one direct") {
    TestServer proxy;
    TestServer origin;
    Reactor reactor;
    HttpClient client(reactor, testOptions()); // no client-wide proxy
    Request viaProxy = get("http://example.invalid/meta?q=2");
    viaProxy.meta.set("proxy", spider::Value(proxy.url("")));
    HttpResult proxied = fetch(reactor, client, viaProxy);
    INFO(describe(proxied));
    REQUIRE(proxied.ok());
    CHECK(proxied.response().body == "proxied http://example.invalid/meta?q=2");
    // The easy handle is reused: the proxy must not stick to it.
    HttpResult direct = fetch(reactor, client, get(origin.url("/hello")));
    INFO(describe(direct));
    REQUIRE(direct.ok());
    CHECK(direct.response().body == "hello world");
}

TEST_CASE("the http_proxy environment variable is honoured unless a proxy is configured") {
    TestServer proxy;
    Reactor reactor;
    const char* saved = std::getenv("http_proxy");
    std::string savedValue = saved != nullptr ? saved : "";
    setenv("http_proxy", proxy.url("").c_str(), 1);
    HttpClientOptions options = testOptions();
    options.proxy.reset(); // libcurl's default: the environment
    HttpClient client(reactor, options);
    HttpResult result = fetch(reactor, client, get("http://example.invalid/env"));
    if (saved != nullptr) {
        setenv("http_proxy", savedValue.c_str(), 1);
    } else {
        unsetenv("http_proxy");
    }
    INFO(describe(result));
    REQUIRE(result.ok());
    CHECK(result.response().body == "proxied http://example.invalid/env");
}

TEST_CASE("a self-signed certificate is refused unless verification is off") {
    TestServer server(/*tls=*/true);
    Reactor reactor;
    HttpClient verifying(reactor, testOptions());
    HttpResult refused = fetch(reactor, verifying, get(server.url("/hello")));
    INFO(describe(refused));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.failure().kind == HttpFailureKind::TlsError);

    HttpClientOptions options = testOptions();
    options.verifyTls = false;
    HttpClient trusting(reactor, options);
    HttpResult accepted = fetch(reactor, trusting, get(server.url("/hello")));
    INFO(describe(accepted));
    REQUIRE(accepted.ok());
    CHECK(accepted.response().body == "hello world");
    CHECK(accepted.response().url == server.url("/hello"));
}
