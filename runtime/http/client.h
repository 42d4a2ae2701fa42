#pragma once
// The HTTP client: libcurl's multi-socket API driven by a Reactor. Many concurrent transfers
// share one connection pool (keep-alive, HTTP/2 multiplexing over TLS), one DNS cache and
// one cookie jar. Written against plain callbacks; the Deferred-returning fetch() wraps it.
//
// Threading: like the Reactor it uses, an HttpClient lives on the reactor thread; the
// reactor must outlive it.
#include "http/request.h"
#include "http/response.h"
#include "reactor/reactor.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace spider {

enum class HttpFailureKind {
    Timeout,          // the whole transfer (or the connect phase) took too long
    ConnectFailed,    // TCP connection refused or unreachable
    DnsFailed,        // host (or proxy) name did not resolve
    TooLarge,         // the body exceeded the size limit
    TooManyRedirects, // more than maxRedirects, or a redirect loop
    BadScheme,        // not http/https, initially or in a redirect
    BadUrl,           // malformed URL
    InvalidRequest,   // a method or header that cannot be sent (e.g. contains CR/LF)
    TlsError,         // handshake failed or the certificate did not verify
    ConnectionLost,   // the server closed or reset the connection mid-response (also an
                      // HTTP/2 stream or connection error): may succeed when tried again
    ProtocolError,    // not valid HTTP (bad status line, bad chunking, response headers
                      // over libcurl's limit, bad gzip...): the same every time
    Cancelled,        // HttpClient::cancel
    Other,
};

std::string_view toString(HttpFailureKind kind) noexcept;

struct HttpFailure {
    HttpFailureKind kind = HttpFailureKind::Other;
    std::string message; // what happened, with the URL ("Timeout: ... fetching <url>")
    std::string url;     // the URL being fetched when it failed (after redirects)
    int curlCode = 0;    // CURLcode, 0 when the failure did not come from libcurl
    Request request;
};

// Either a Response (any status) or an HttpFailure.
struct HttpResult {
    std::variant<Response, HttpFailure> value;

    bool ok() const noexcept { return value.index() == 0; }
    Response& response() { return std::get<Response>(value); }
    const Response& response() const { return std::get<Response>(value); }
    HttpFailure& failure() { return std::get<HttpFailure>(value); }
    const HttpFailure& failure() const { return std::get<HttpFailure>(value); }
};

struct HttpClientOptions {
    double connectTimeout = 30; // seconds for DNS + TCP (+ TLS)
    double timeout = 180;       // seconds for a whole transfer (Scrapy's DOWNLOAD_TIMEOUT);
                                // 0: no limit (also for Request::timeout)
    long maxRedirects = 20;     // Scrapy's REDIRECT_MAX_TIMES
    std::size_t maxSize = std::size_t{1024} * 1024 * 1024; // bytes, 0: no limit
    std::size_t warnSize = std::size_t{32} * 1024 * 1024;  // bytes, 0: never warn
    std::string userAgent = "spider/0.1";                  // a User-Agent header overrides it
    // nullopt: libcurl's own behaviour, i.e. the http_proxy/https_proxy/all_proxy and
    // no_proxy environment variables, as they are when the client is constructed (when
    // none of the proxy variables is set, requests go direct without libcurl reading the
    // environment per transfer). "": never use a proxy. Otherwise a proxy URL
    // ("http://host:port", "socks5h://host:port").
    std::optional<std::string> proxy;
    std::optional<std::string> noProxy; // hosts that bypass the proxy (overrides no_proxy)
    bool compression = true;            // offer and decode gzip, deflate, br, zstd
    bool verifyTls = true;
    // PEM file of the certificate authorities trusted for TLS (CURLOPT_CAINFO); nullopt: the
    // system's bundle. Verification stays on either way unless verifyTls is false.
    std::optional<std::string> caFile;
    // A body shorter than its Content-Length fails with ConnectionLost (true, Scrapy's
    // DOWNLOAD_FAIL_ON_DATALOSS default) or is delivered with Response::dataLoss set.
    // Request::failOnDataLoss overrides it per request.
    bool failOnDataLoss = true;
    bool http2 = true;                   // HTTP/2 when the server offers it over TLS
    bool cookies = true;                 // one cookie jar for all of this client's transfers
    long maxConnectionsPerHost = 0;      // 0: no limit (the engine's slots limit concurrency)
    std::size_t easyHandlePoolSize = 64; // idle easy handles kept for reuse
    // Receives the size warnings; nullptr: a line on stderr.
    std::function<void(std::string_view message)> onWarning;
};

class HttpClient {
  public:
    using TransferId = std::uint64_t;
    using Callback = std::function<void(HttpResult)>;

    // Throws std::runtime_error if libcurl cannot be set up.
    explicit HttpClient(Reactor& reactor, HttpClientOptions options = {});
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    // Transfers still in flight are dropped without calling their callbacks (cancelAll()
    // first when someone waits for them). May be called from one of its callbacks.
    ~HttpClient();

    // Starts fetching `request`; `done` runs exactly once, on the reactor thread, never from
    // inside start(): with the Response, or with an HttpFailure (bad URLs and schemes
    // included). Throws std::invalid_argument for an empty callback.
    TransferId start(Request request, Callback done);
    // Stops a transfer in flight: its callback runs at once, with a Cancelled failure.
    // False if the transfer already finished (or never existed).
    bool cancel(TransferId id);
    // cancel() for every transfer in flight.
    void cancelAll();

    std::size_t inFlight() const noexcept { return transfers_.size(); }
    const HttpClientOptions& options() const noexcept { return options_; }

  private:
    struct Transfer;

    static int onSocketChange(void* easy, int fd, int what, void* self, void* socketData);
    static int onSocketClose(void* self, int fd);
    static int onTimerChange(void* multi, long timeoutMs, void* self);
    static std::size_t onBody(char* data, std::size_t size, std::size_t n, void* transfer);
    static std::size_t onHeader(char* data, std::size_t size, std::size_t n, void* transfer);

    void* takeEasyHandle(bool plain, bool& configured);
    void recycleEasyHandle(void* easy, bool plain);
    void resetEasyHandle(void* easy);
    bool isPlain(const Request& request) const;
    bool waitsForMultiplexing(const std::string& url) const;
    void configure(Transfer& transfer);
    void configurePlainAgain(Transfer& transfer);
    void socketWanted(int fd, unsigned events);
    void socketUnwanted(int fd);
    void forgetSocket(int fd);
    void socketReady(int fd, unsigned readyEvents);
    void timerFired();
    void drainMessages();
    void finish(Transfer& transfer, int curlCode);
    void failSoon(TransferId id, HttpFailureKind kind, std::string message);
    void deliver(std::unique_ptr<Transfer> transfer, HttpResult&& result);
    std::unique_ptr<Transfer> detach(TransferId id);
    void warn(const std::string& message);

    Reactor& reactor_;
    HttpClientOptions options_;
    void* multi_ = nullptr; // CURLM*
    void* share_ = nullptr; // CURLSH* (cookies)
    DelayedCall timer_;
    std::vector<void*> idleEasy_;      // CURL*, reset
    std::vector<void*> idlePlainEasy_; // CURL*, still configured for a plain request
    std::unordered_map<TransferId, std::unique_ptr<Transfer>> transfers_;
    // Per fd (index): the events the reactor watches for us and those libcurl wants now.
    // libcurl says CURL_POLL_REMOVE when a transfer ends and asks again for the same socket
    // when the next transfer reuses the connection; the watch is kept in between (no
    // epoll_ctl pair per request) and dropped when the socket closes (CURLOPT_
    // CLOSESOCKETFUNCTION) or reports readiness while unwanted (an idle connection the
    // server closed).
    struct SocketWatch {
        unsigned watched = 0;
        unsigned wanted = 0;
    };
    std::vector<SocketWatch> sockets_;
    // CURLMOPT_MAXCONNECTS: 4x the most transfers in flight so far. libcurl's own default
    // is 4x the handles attached at the moment a transfer ends, which collapses when many
    // transfers end together (before their successors start) and closes the keep-alive
    // connections those successors are about to reuse.
    std::size_t connectionCacheSize_ = 0;
    // The headers of a request without headers or body that goes direct: "User-Agent" and
    // "Accept-Encoding" (when compression is on), built once instead of by libcurl's
    // printf per transfer. curl_slist*.
    void* defaultHeaders_ = nullptr;
    std::string acceptEncoding_;    // what libcurl would offer for CURLOPT_ACCEPT_ENCODING ""
    bool environmentProxy_ = false; // a proxy variable was set at construction
    TransferId nextId_ = 1;
    // Cleared by the destructor: lets a loop that ran a user callback notice that the
    // callback destroyed this client.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace spider
