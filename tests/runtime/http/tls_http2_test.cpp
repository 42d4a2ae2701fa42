// HTTPS and HTTP/2 against a real nginx (tests/fixtures/tls_nginx.py) with a throwaway
// self-signed certificate: multiplexing when the client trusts it, a clean unretried
// TlsError when it does not.
#include "downloader/downloader.h"
#include "engine/log.h"
#include "engine/settings.h"
#include "engine/stats.h"
#include "fixtures/fixture_server.h"
#include "http/client.h"
#include "reactor/reactor.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

using namespace spider;
using spider::testing::FixtureCommand;
using spider::testing::FixtureServer;

namespace {

// nginx on https://127.0.0.1:<port>/ serving /page-N.html; its CA is ca().
class TlsNginx {
  public:
    TlsNginx()
        : dir_(std::filesystem::temp_directory_path() /
               ("spider-tls-nginx-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_ / "root");
        for (int i = 0; i < 8; ++i) {
            std::ofstream(dir_ / "root" / ("page-" + std::to_string(i) + ".html"))
                << "<html><body><p>page " << i << "</p></body></html>\n";
        }
        server_.emplace(FixtureCommand{{SPIDER_PYTHON, SPIDER_TLS_NGINX, "--work",
                                        (dir_ / "work").string(), "--root",
                                        (dir_ / "root").string()}});
    }
    ~TlsNginx() {
        server_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    std::string url(const std::string& path) const {
        return "https://127.0.0.1:" + std::to_string(server_->port()) + path;
    }
    std::string ca() const { return (dir_ / "work" / "ca.pem").string(); }

  private:
    std::filesystem::path dir_;
    std::optional<FixtureServer> server_;
};

bool runUntil(Reactor& reactor, const std::function<bool()>& done, double timeout = 15) {
    double deadline = reactor.seconds() + timeout;
    while (!done()) {
        if (reactor.seconds() > deadline) {
            return false;
        }
        reactor.iterate(0.01);
    }
    return true;
}

} // namespace

TEST_CASE("requests to an HTTP/2 server whose CA is trusted share one multiplexed connection") {
    TlsNginx nginx;
    Reactor reactor;
    HttpClientOptions options;
    options.caFile = nginx.ca();
    HttpClient client(reactor, options);
    std::vector<HttpResult> results;
    for (int i = 0; i < 8; ++i) {
        Request request;
        request.url = nginx.url("/page-" + std::to_string(i) + ".html");
        client.start(std::move(request), [&](HttpResult r) { results.push_back(std::move(r)); });
    }
    REQUIRE(runUntil(reactor, [&] { return results.size() == 8; }));
    long connections = 0;
    for (const HttpResult& r : results) {
        INFO((r.ok() ? r.response().url : r.failure().message));
        REQUIRE(r.ok());
        CHECK(r.response().status == 200);
        CHECK(r.response().protocol == "HTTP/2");
        CHECK(r.response().body.find("page ") != std::string::npos);
        connections += r.response().newConnections;
    }
    // All eight were started together: they waited for the first handshake and then went
    // over its connection as streams instead of opening eight connections.
    CHECK(connections == 1);
}

TEST_CASE("an untrusted certificate fails once with a clear TlsError, not retried") {
    TlsNginx nginx;
    Reactor reactor;
    HttpClient client(reactor); // the system's CAs: the throwaway certificate is unknown
    Settings settings;
    settings.retry_backoff_base = 0.01;
    StatsCollector stats;
    Logger logger{[](std::string_view) {}};
    Downloader downloader(reactor, client, settings, stats, logger);
    Request request;
    request.url = nginx.url("/page-0.html");
    std::optional<Failure> failure;
    bool answered = false;
    downloader.fetch(std::move(request))
        .addCallbacks([&](Response) { answered = true; },
                      [&](Failure f) {
                          answered = true;
                          failure = std::move(f);
                      });
    REQUIRE(runUntil(reactor, [&] { return answered; }));
    REQUIRE(failure);
    REQUIRE(failure->check<HttpFailureError>());
    const HttpFailureError& error = failure->trap<HttpFailureError>();
    CHECK(error.kind == HttpFailureKind::TlsError);
    INFO(error.message);
    CHECK(error.message.rfind("TlsError: ", 0) == 0);
    CHECK(error.message.find("certificate") != std::string::npos);
    CHECK(error.message.find(nginx.url("/page-0.html")) != std::string::npos);
    CHECK(stats.getInt("downloader/request_count") == 1);
    CHECK(stats.getInt("retry/count") == 0);
    CHECK(stats.getInt("downloader/exception_type_count/spider.HttpFailure.TlsError") == 1);
}
