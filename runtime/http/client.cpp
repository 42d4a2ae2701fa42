#include "http/client.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <utility>

#include <curl/curl.h>
#include <unistd.h>

namespace spider {
namespace {

constexpr const char* kAllowedProtocols = "http,https";

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

// Seconds as libcurl's milliseconds: 0 stays "no limit", but a positive duration never
// rounds down to it.
long toMilliseconds(double seconds) {
    if (!(seconds > 0)) {
        return 0;
    }
    double ms = std::ceil(seconds * 1000.0);
    return ms >= static_cast<double>(LONG_MAX) ? LONG_MAX : static_cast<long>(ms);
}

HttpFailureKind kindOf(CURLcode code) {
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return HttpFailureKind::Timeout;
    case CURLE_COULDNT_CONNECT:
        return HttpFailureKind::ConnectFailed;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return HttpFailureKind::DnsFailed;
    case CURLE_FILESIZE_EXCEEDED:
        return HttpFailureKind::TooLarge;
    case CURLE_TOO_MANY_REDIRECTS:
        return HttpFailureKind::TooManyRedirects;
    case CURLE_UNSUPPORTED_PROTOCOL:
        return HttpFailureKind::BadScheme;
    case CURLE_URL_MALFORMAT:
        return HttpFailureKind::BadUrl;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
        return HttpFailureKind::TlsError;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    // An HTTP/2 stream reset (REFUSED_STREAM, a GOAWAY while in flight) or a broken HTTP/2
    // connection is about the connection, not the page: another attempt may well succeed.
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
        return HttpFailureKind::ConnectionLost;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_RANGE_ERROR:
        return HttpFailureKind::ProtocolError;
    default:
        return HttpFailureKind::Other;
    }
}

// libcurl reports an invalid chunk-size line and oversized response headers with the same
// code as a reset connection (CURLE_RECV_ERROR, "Recv failure: ..."), so only its message
// tells a deterministic protocol violation, which retrying cannot fix, from a lost
// connection. The phrases are libcurl's own (lib/http_chunks.c, lib/http.c, 7.88).
HttpFailureKind refineRecvError(HttpFailureKind kind, std::string_view message) {
    if (kind != HttpFailureKind::ConnectionLost) {
        return kind;
    }
    for (std::string_view marker :
         {std::string_view("chunked-encoding"), std::string_view("Too large response headers"),
          std::string_view("Header too long"), std::string_view("Too long response header")}) {
        if (message.find(marker) != std::string_view::npos) {
            return HttpFailureKind::ProtocolError;
        }
    }
    return kind;
}

// Why `url` cannot even be tried, if so. libcurl would guess "http://" for a URL without a
// scheme; a crawler must not (Scrapy refuses such URLs too).
std::optional<std::pair<HttpFailureKind, std::string>> precheckUrl(std::string_view url) {
    std::size_t colon = url.find(':');
    bool hasScheme = colon != std::string_view::npos && colon > 0 &&
                     std::isalpha(static_cast<unsigned char>(url[0])) != 0;
    for (std::size_t i = 0; hasScheme && i < colon; ++i) {
        auto c = static_cast<unsigned char>(url[i]);
        hasScheme = std::isalnum(c) != 0 || c == '+' || c == '-' || c == '.';
    }
    if (!hasScheme) {
        return std::pair{HttpFailureKind::BadUrl,
                         "missing scheme in URL '" + std::string(url) + "'"};
    }
    std::string scheme(url.substr(0, colon));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme != "http" && scheme != "https") {
        return std::pair{HttpFailureKind::BadScheme,
                         "unsupported scheme '" + scheme + "' in URL '" + std::string(url) + "'"};
    }
    return std::nullopt;
}

bool hasLineBreak(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos ||
           s.find('\0') != std::string_view::npos;
}

bool isToken(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u > 32 && u < 127 &&
               std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
    });
}

std::string protocolName(long version) {
    switch (version) {
    case CURL_HTTP_VERSION_1_0:
        return "HTTP/1.0";
    case CURL_HTTP_VERSION_1_1:
        return "HTTP/1.1";
    case CURL_HTTP_VERSION_2_0:
        return "HTTP/2";
    case CURL_HTTP_VERSION_3:
        return "HTTP/3";
    default:
        return {};
    }
}

// What libcurl offers for CURLOPT_ACCEPT_ENCODING "" (Curl_all_content_encodings: the
// decoders it was built with, in its own order, identity left out).
std::string allContentEncodings() {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    std::string list;
    auto add = [&list](const char* name) {
        if (!list.empty()) {
            list += ", ";
        }
        list += name;
    };
    if ((info->features & CURL_VERSION_LIBZ) != 0) {
        add("deflate");
        add("gzip");
    }
    if ((info->features & CURL_VERSION_BROTLI) != 0) {
        add("br");
    }
    if ((info->features & CURL_VERSION_ZSTD) != 0) {
        add("zstd");
    }
    return list;
}

// A failed append (out of memory) leaves the list as it was, without that header.
curl_slist* appendHeader(curl_slist* list, const std::string& line) {
    curl_slist* grown = curl_slist_append(list, line.c_str());
    return grown != nullptr ? grown : list;
}

bool hasHeader(const HeaderList& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [name](const auto& header) { return equalsIgnoreCase(header.first, name); });
}

} // namespace

std::string_view toString(HttpFailureKind kind) noexcept {
    switch (kind) {
    case HttpFailureKind::Timeout:
        return "Timeout";
    case HttpFailureKind::ConnectFailed:
        return "ConnectFailed";
    case HttpFailureKind::DnsFailed:
        return "DnsFailed";
    case HttpFailureKind::TooLarge:
        return "TooLarge";
    case HttpFailureKind::TooManyRedirects:
        return "TooManyRedirects";
    case HttpFailureKind::BadScheme:
        return "BadScheme";
    case HttpFailureKind::BadUrl:
        return "BadUrl";
    case HttpFailureKind::InvalidRequest:
        return "InvalidRequest";
    case HttpFailureKind::TlsError:
        return "TlsError";
    case HttpFailureKind::ConnectionLost:
        return "ConnectionLost";
    case HttpFailureKind::ProtocolError:
        return "ProtocolError";
    case HttpFailureKind::Cancelled:
        return "Cancelled";
    case HttpFailureKind::Other:
        return "Other";
    }
    return "Other";
}

struct HttpClient::Transfer {
    TransferId id = 0;
    HttpClient* client = nullptr;
    CURL* easy = nullptr;
    bool attached = false; // added to the multi handle
    Request request;
    Callback done;

    std::string body;
    HeaderList headers;            // of the latest non-1xx response
    std::vector<std::string> hops; // URL of each non-1xx response, in order
    curl_slist* requestHeaders = nullptr;
    // Configured with the client's defaults only (see isPlain): its handle can serve the
    // next plain request without curl_easy_reset and a full configure.
    bool plain = false;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    std::size_t maxSize = 0;
    std::size_t warnSize = 0;
    bool warned = false;
    // Set when one of our callbacks aborted the transfer (libcurl then reports a write
    // error): the real reason.
    std::optional<HttpFailureKind> abortKind;
    std::string abortMessage;

    Transfer() = default;
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;
    ~Transfer() { curl_slist_free_all(requestHeaders); }

    void warnIfLarge(std::size_t size, const char* what) {
        if (warned || warnSize == 0 || size <= warnSize) {
            return;
        }
        warned = true;
        client->warn(std::string(what) + " (" + std::to_string(size) +
                     " bytes) larger than download warn size (" + std::to_string(warnSize) +
                     " bytes) in request " + request.url);
    }
};

// ---- construction ------------------------------------------------------------------------

HttpClient::HttpClient(Reactor& reactor, HttpClientOptions options)
    : reactor_(reactor)
    , options_(std::move(options)) {
    // Reference-counted by libcurl, and thread-safe in the libcurl we build against
    // (CURL_VERSION_THREADSAFE), so every client can do it.
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        throw std::runtime_error("HttpClient: curl_global_init failed");
    }
    multi_ = curl_multi_init();
    share_ = curl_share_init();
    if (multi_ == nullptr || share_ == nullptr) {
        curl_multi_cleanup(multi_);
        curl_share_cleanup(share_);
        curl_global_cleanup();
        throw std::runtime_error("HttpClient: cannot create libcurl multi/share handles");
    }
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpClient::onSocketChange);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpClient::onTimerChange);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    if (options_.maxConnectionsPerHost > 0) {
        curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, options_.maxConnectionsPerHost);
    }

    // Every variable libcurl 7.88 may take a proxy from (it reads http_proxy in lower case
    // only, the others in both cases). Any of them set, even empty: libcurl decides per
    // transfer, as before.
    for (const char* name :
         {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
        if (std::getenv(name) != nullptr) {
            environmentProxy_ = true;
        }
    }
    if (options_.compression) {
        acceptEncoding_ = allContentEncodings();
    }
    // Only used for requests that go direct (see configure), so the User-Agent is in it.
    curl_slist* defaults = appendHeader(nullptr, "User-Agent: " + options_.userAgent);
    if (!acceptEncoding_.empty()) {
        defaults = appendHeader(defaults, "Accept-Encoding: " + acceptEncoding_);
    }
    defaultHeaders_ = defaults;
}

HttpClient::~HttpClient() {
    *alive_ = false;
    timer_.cancel();
    auto transfers = std::move(transfers_);
    transfers_.clear();
    for (auto& [id, transfer] : transfers) {
        if (transfer->attached) {
            curl_multi_remove_handle(multi_, transfer->easy);
        }
        curl_easy_cleanup(transfer->easy);
        transfer->easy = nullptr;
    }
    transfers.clear();
    for (void* easy : idleEasy_) {
        curl_easy_cleanup(easy);
    }
    idleEasy_.clear();
    for (void* easy : idlePlainEasy_) {
        curl_easy_cleanup(easy);
    }
    idlePlainEasy_.clear();
    // Closing pooled connections may still report sockets to onSocketChange.
    curl_multi_cleanup(multi_);
    for (std::size_t fd = 0; fd < sockets_.size(); ++fd) {
        if (sockets_[fd].watched != 0) {
            reactor_.unwatch(static_cast<int>(fd));
        }
    }
    curl_slist_free_all(static_cast<curl_slist*>(defaultHeaders_));
    curl_share_cleanup(share_);
    curl_global_cleanup();
}

// ---- starting and stopping ---------------------------------------------------------------

HttpClient::TransferId HttpClient::start(Request request, Callback done) {
    if (!done) {
        throw std::invalid_argument("HttpClient::start: empty callback for " + request.url);
    }
    auto transfer = std::make_unique<Transfer>();
    Transfer& t = *transfer;
    t.id = nextId_++;
    t.client = this;
    t.request = std::move(request);
    t.done = std::move(done);
    const TransferId id = t.id;
    transfers_.emplace(id, std::move(transfer));

    std::transform(t.request.method.begin(), t.request.method.end(), t.request.method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (auto problem = precheckUrl(t.request.url)) {
        failSoon(id, problem->first, std::move(problem->second));
        return id;
    }
    if (!isToken(t.request.method)) {
        failSoon(id, HttpFailureKind::InvalidRequest,
                 "invalid HTTP method '" + t.request.method + "' for " + t.request.url);
        return id;
    }
    for (const auto& [name, value] : t.request.headers) {
        if (!isToken(name) || hasLineBreak(value)) {
            failSoon(id, HttpFailureKind::InvalidRequest,
                     "invalid header '" + name + "' for " + t.request.url);
            return id;
        }
    }
    if (transfers_.size() * 4 > connectionCacheSize_) {
        connectionCacheSize_ = transfers_.size() * 4;
        curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(connectionCacheSize_));
    }
    t.plain = isPlain(t.request);
    bool configured = false;
    t.easy = static_cast<CURL*>(takeEasyHandle(t.plain, configured));
    if (t.easy == nullptr) {
        failSoon(id, HttpFailureKind::Other, "cannot create a libcurl handle for " + t.request.url);
        return id;
    }
    if (configured) {
        configurePlainAgain(t);
    } else {
        configure(t);
    }
    if (CURLMcode rc = curl_multi_add_handle(multi_, t.easy); rc != CURLM_OK) {
        failSoon(id, HttpFailureKind::Other,
                 std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc) + " for " +
                     t.request.url);
        return id;
    }
    t.attached = true;
    return id;
}

// A GET with nothing of its own (no body, headers, proxy or limits) that goes direct: all
// its options but the URL and the transfer's own pointers are the client's, and its header
// list is the shared defaultHeaders_.
bool HttpClient::isPlain(const Request& r) const {
    const bool direct = options_.proxy ? options_.proxy->empty() : !environmentProxy_;
    return direct && r.method == "GET" && r.body.empty() && r.headers.empty() && !r.timeout &&
           !r.maxSize && r.meta.find("proxy") == nullptr;
}

// configure() for a plain request on a handle that served a plain request before and kept
// its options (libcurl keeps an easy handle's options from one transfer to the next).
void HttpClient::configurePlainAgain(Transfer& t) {
    CURL* e = t.easy;
    const Request& r = t.request;
    curl_easy_setopt(e, CURLOPT_PRIVATE, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errorBuffer);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_HEADERDATA, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.followRedirects ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, waitsForMultiplexing(r.url) ? 1L : 0L);
    t.maxSize = options_.maxSize;
    t.warnSize = options_.warnSize;
}

bool HttpClient::waitsForMultiplexing(const std::string& url) const {
    return options_.http2 && url.size() > 6 &&
           std::equal(url.begin(), url.begin() + 6, "https:", [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

void HttpClient::configure(Transfer& t) {
    CURL* e = t.easy;
    const Request& r = t.request;
    curl_easy_setopt(e, CURLOPT_PRIVATE, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, kAllowedProtocols);
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, kAllowedProtocols);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errorBuffer);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &HttpClient::onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, static_cast<void*>(&t));
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &HttpClient::onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, static_cast<void*>(&t));
    // Set on every handle: a connection closes through the callback of the handle that
    // opened it, whichever handle uses it last.
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &HttpClient::onSocketClose);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, static_cast<void*>(this));
    // What the request says is what is sent: no "/../" squashing (Scrapy does none).
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);

    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.followRedirects ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, options_.maxRedirects);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, toMilliseconds(r.timeout.value_or(options_.timeout)));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, toMilliseconds(options_.connectTimeout));

    t.maxSize = r.maxSize.value_or(options_.maxSize);
    t.warnSize = options_.warnSize;
    if (t.maxSize > 0) {
        curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.maxSize));
    }
    if (options_.compression) {
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    }
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.verifyTls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verifyTls ? 2L : 0L);
    if (options_.caFile) {
        curl_easy_setopt(e, CURLOPT_CAINFO, options_.caFile->c_str());
    }
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                     options_.http2 ? static_cast<long>(CURL_HTTP_VERSION_2TLS)
                                    : static_cast<long>(CURL_HTTP_VERSION_1_1));
    if (waitsForMultiplexing(r.url)) {
        // Requests to an https origin started together would each open a connection before
        // the first handshake tells libcurl it could multiplex them over one HTTP/2
        // connection; waiting for that answer costs nothing when the server speaks HTTP/1.1
        // (they then open their own connections as before).
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    }
    // Scrapy's meta["proxy"] routes one request through a proxy ("" bypasses any); otherwise
    // the client's setting or, without one, the environment (libcurl's default).
    const std::string* metaProxy = nullptr;
    if (const Value* proxy = r.meta.find("proxy")) metaProxy = proxy->getString();
    const std::string* proxy = metaProxy != nullptr ? metaProxy
                               : options_.proxy     ? &*options_.proxy
                                                    : nullptr;
    // Direct for sure: no proxy, or none in the environment libcurl would read.
    const bool direct = proxy != nullptr ? proxy->empty() : !environmentProxy_;
    if (proxy != nullptr) {
        curl_easy_setopt(e, CURLOPT_PROXY, proxy->c_str());
    } else if (direct) {
        curl_easy_setopt(e, CURLOPT_PROXY, ""); // spares libcurl its getenv()s per transfer
    }
    if (options_.noProxy) {
        curl_easy_setopt(e, CURLOPT_NOPROXY, options_.noProxy->c_str());
    } else if (direct) {
        curl_easy_setopt(e, CURLOPT_NOPROXY, ""); // moot without a proxy; no getenv() either
    }
    // The User-Agent goes in the header list when the request goes direct: libcurl would
    // printf it into a header of its own per transfer. Through a proxy it must stay
    // CURLOPT_USERAGENT, which the CONNECT request to the proxy carries too.
    if (!direct) {
        curl_easy_setopt(e, CURLOPT_USERAGENT, options_.userAgent.c_str());
    }
    curl_easy_setopt(e, CURLOPT_SHARE, share_);
    if (options_.cookies) {
        curl_easy_setopt(e, CURLOPT_COOKIEFILE, ""); // turns the cookie engine on
    }

    // POST through CURLOPT_POST, not a custom method: then a 301/302/303 turns it into a
    // GET as browsers and Scrapy do, while 307/308 keep it.
    const auto bodySize = static_cast<curl_off_t>(r.body.size());
    if (r.method == "GET") {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        if (!r.body.empty()) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, bodySize);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "GET");
        }
    } else if (r.method == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (r.method == "POST") {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, bodySize);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    } else {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
        if (!r.body.empty()) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, bodySize);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
        }
    }

    // A header in the list stops libcurl from adding its own (User-Agent, Accept-Encoding):
    // the common request, without headers or body, shares one list built at construction.
    if (direct && r.headers.empty() && r.body.empty()) {
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, defaultHeaders_);
        return;
    }
    curl_slist* list = nullptr;
    if (!r.body.empty()) {
        // "Expect: 100-continue" would stall a large POST on servers that never answer it
        // (libcurl only sends it with a body).
        list = appendHeader(list, "Expect:");
    }
    for (const auto& [name, value] : r.headers) {
        // libcurl sends "Name;" as a header with an empty value ("Name:" would remove it).
        list = appendHeader(list, value.empty() ? name + ";" : name + ": " + value);
    }
    if (direct && !hasHeader(r.headers, "User-Agent")) {
        list = appendHeader(list, "User-Agent: " + options_.userAgent);
    }
    if (!acceptEncoding_.empty() && !hasHeader(r.headers, "Accept-Encoding")) {
        list = appendHeader(list, "Accept-Encoding: " + acceptEncoding_);
    }
    t.requestHeaders = list;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
}

bool HttpClient::cancel(TransferId id) {
    std::unique_ptr<Transfer> t = detach(id);
    if (!t) {
        return false;
    }
    HttpFailure failure;
    failure.kind = HttpFailureKind::Cancelled;
    failure.url = t->request.url;
    failure.message = "Cancelled: download of " + t->request.url + " was cancelled";
    failure.request = std::move(t->request);
    deliver(std::move(t), HttpResult{std::move(failure)});
    return true;
}

void HttpClient::cancelAll() {
    std::vector<TransferId> ids;
    ids.reserve(transfers_.size());
    for (const auto& [id, transfer] : transfers_) {
        ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    auto alive = alive_;
    for (TransferId id : ids) {
        if (!*alive) {
            return;
        }
        cancel(id);
    }
}

std::unique_ptr<HttpClient::Transfer> HttpClient::detach(TransferId id) {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) {
        return nullptr;
    }
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers_.erase(it);
    if (t->attached) {
        curl_multi_remove_handle(multi_, t->easy);
        t->attached = false;
    }
    if (t->easy != nullptr) {
        recycleEasyHandle(t->easy, t->plain);
        t->easy = nullptr;
    }
    return t;
}

void HttpClient::failSoon(TransferId id, HttpFailureKind kind, std::string message) {
    std::weak_ptr<bool> alive = alive_;
    reactor_.callSoon([this, alive, id, kind, message = std::move(message)]() mutable {
        auto token = alive.lock();
        if (!token || !*token) {
            return;
        }
        std::unique_ptr<Transfer> t = detach(id);
        if (!t) {
            return; // cancelled in the meantime
        }
        HttpFailure failure;
        failure.kind = kind;
        failure.url = t->request.url;
        failure.message = std::string(toString(kind)) + ": " + message;
        failure.request = std::move(t->request);
        deliver(std::move(t), HttpResult{std::move(failure)});
    });
}

void HttpClient::deliver(std::unique_ptr<Transfer> transfer, HttpResult&& result) {
    Callback done = std::move(transfer->done);
    transfer.reset();
    done(std::move(result));
}

void* HttpClient::takeEasyHandle(bool plain, bool& configured) {
    configured = false;
    if (plain && !idlePlainEasy_.empty()) {
        void* easy = idlePlainEasy_.back();
        idlePlainEasy_.pop_back();
        configured = true;
        return easy;
    }
    if (!idleEasy_.empty()) {
        void* easy = idleEasy_.back();
        idleEasy_.pop_back();
        return easy;
    }
    if (!idlePlainEasy_.empty()) {
        void* easy = idlePlainEasy_.back();
        idlePlainEasy_.pop_back();
        resetEasyHandle(easy);
        return easy;
    }
    return curl_easy_init();
}

void HttpClient::resetEasyHandle(void* easy) {
    // curl_easy_reset does not free the list of cookie files CURLOPT_COOKIEFILE appends
    // to (LeakSanitizer shows a node lost per reuse with libcurl 7.88): clear it first.
    // With a shared cookie jar, clearing it keeps the cookies.
    curl_easy_setopt(easy, CURLOPT_COOKIEFILE, static_cast<char*>(nullptr));
    curl_easy_reset(easy);
}

void HttpClient::recycleEasyHandle(void* easy, bool plain) {
    if (idleEasy_.size() + idlePlainEasy_.size() >= options_.easyHandlePoolSize) {
        curl_easy_cleanup(easy);
    } else if (plain) {
        // Kept configured for the next plain request; the pointers into the finished
        // Transfer go now.
        curl_easy_setopt(easy, CURLOPT_PRIVATE, static_cast<void*>(nullptr));
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, static_cast<void*>(nullptr));
        curl_easy_setopt(easy, CURLOPT_HEADERDATA, static_cast<void*>(nullptr));
        idlePlainEasy_.push_back(easy);
    } else {
        resetEasyHandle(easy);
        idleEasy_.push_back(easy);
    }
}

void HttpClient::warn(const std::string& message) {
    if (options_.onWarning) {
        options_.onWarning(message);
    } else {
        std::fprintf(stderr, "spider http: warning: %s\n", message.c_str());
    }
}

// ---- libcurl's callbacks -----------------------------------------------------------------

int HttpClient::onSocketChange(void* /*easy*/, int fd, int what, void* self, void*) {
    auto& client = *static_cast<HttpClient*>(self);
    // Never let an exception reach libcurl; returning -1 would abort every transfer, so a
    // socket that cannot be watched is left to its transfer's timeout.
    try {
        unsigned events = 0;
        if (what != CURL_POLL_REMOVE && (what & CURL_POLL_IN) != 0) {
            events |= Reactor::kReadable;
        }
        if (what != CURL_POLL_REMOVE && (what & CURL_POLL_OUT) != 0) {
            events |= Reactor::kWritable;
        }
        if (events == 0) {
            client.socketUnwanted(fd);
        } else {
            client.socketWanted(fd, events);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "spider http: cannot watch socket %d: %s\n", fd, e.what());
    }
    return 0;
}

int HttpClient::onSocketClose(void* self, int fd) {
    // The watch must go before the fd does: a later socket may get the same number, and
    // socketWanted() trusts the table.
    static_cast<HttpClient*>(self)->forgetSocket(fd);
    return close(fd);
}

void HttpClient::socketWanted(int fd, unsigned events) {
    if (fd < 0) {
        return;
    }
    const auto index = static_cast<std::size_t>(fd);
    if (index >= sockets_.size()) {
        sockets_.resize(index + 1);
    }
    SocketWatch& s = sockets_[index];
    s.wanted = events;
    if (s.watched == events) {
        return; // still watched since the last transfer on this connection
    }
    s.watched = 0; // until watch() succeeds
    reactor_.watch(fd, events, [this, fd](unsigned ready) { socketReady(fd, ready); });
    sockets_[index].watched = events;
}

void HttpClient::socketUnwanted(int fd) {
    if (fd >= 0 && static_cast<std::size_t>(fd) < sockets_.size()) {
        sockets_[static_cast<std::size_t>(fd)].wanted = 0;
    }
}

void HttpClient::forgetSocket(int fd) {
    if (fd < 0 || static_cast<std::size_t>(fd) >= sockets_.size()) {
        return;
    }
    SocketWatch& s = sockets_[static_cast<std::size_t>(fd)];
    const bool watched = s.watched != 0;
    s = SocketWatch{};
    if (watched) {
        reactor_.unwatch(fd);
    }
}

int HttpClient::onTimerChange(void* /*multi*/, long timeoutMs, void* self) {
    auto& client = *static_cast<HttpClient*>(self);
    if (timeoutMs < 0) {
        client.timer_.cancel();
        return 0;
    }
    // Even a 0 ms timeout goes through the reactor: libcurl must not be re-entered from
    // inside this callback (CURLM_RECURSIVE_API_CALL).
    const double seconds = static_cast<double>(timeoutMs) / 1000.0;
    try {
        if (!client.timer_.reset(seconds)) {
            client.timer_ = client.reactor_.callLater(seconds, [&client] { client.timerFired(); });
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "spider http: cannot schedule libcurl's timer: %s\n", e.what());
        return -1;
    }
    return 0;
}

std::size_t HttpClient::onBody(char* data, std::size_t size, std::size_t n, void* transfer) {
    auto& t = *static_cast<Transfer*>(transfer);
    const std::size_t len = size * n;
    if (t.maxSize > 0 && t.body.size() + len > t.maxSize) {
        t.abortKind = HttpFailureKind::TooLarge;
        t.abortMessage = "response body larger than the download size limit (" +
                         std::to_string(t.maxSize) + " bytes) for " + t.request.url;
        return 0; // any other count than len aborts the transfer
    }
    t.body.append(data, len);
    t.warnIfLarge(t.body.size(), "Received body");
    return len;
}

std::size_t HttpClient::onHeader(char* data, std::size_t size, std::size_t n, void* transfer) {
    auto& t = *static_cast<Transfer*>(transfer);
    const std::size_t len = size * n;
    std::string_view line(data, len);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
        line.remove_suffix(1);
    }
    if (line.substr(0, 5) == "HTTP/") {
        std::size_t space = line.find(' ');
        int status = 0;
        if (space != std::string_view::npos && space + 3 < line.size() + 1) {
            for (std::size_t i = space + 1; i < line.size() && i < space + 4; ++i) {
                char c = line[i];
                status = c >= '0' && c <= '9' ? status * 10 + (c - '0') : status;
            }
        }
        // Each response (a redirect, the final one) starts afresh; 1xx ones are dropped.
        t.headers.clear();
        t.headers.reserve(16); // a typical response's headers without regrowing
        t.body.clear();
        if (status >= 100 && status < 200) {
            return len;
        }
        char* url = nullptr;
        curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &url);
        std::string current = url != nullptr ? url : t.request.url;
        if (status >= 300 && status < 400 && t.request.followRedirects) {
            // A URL redirecting for the third time is a loop: stop now rather than after
            // maxRedirects round trips. (Twice is allowed: a login bounce may set a cookie
            // and send the client back.)
            auto seen = std::count(t.hops.begin(), t.hops.end(), current);
            if (seen >= 2) {
                t.abortKind = HttpFailureKind::TooManyRedirects;
                t.abortMessage = "redirect loop: " + current + " redirected " +
                                 std::to_string(seen + 1) + " times while fetching " +
                                 t.request.url;
                return 0;
            }
        }
        t.hops.push_back(std::move(current));
        return len;
    }
    if (line.empty()) {
        return len; // end of this response's headers
    }
    if ((line.front() == ' ' || line.front() == '\t') && !t.headers.empty()) {
        // An obsolete folded continuation line belongs to the previous header.
        t.headers.back().second += ' ';
        t.headers.back().second += trim(line);
        return len;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        return len; // not a header: ignore rather than fail the page
    }
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (equalsIgnoreCase(name, "Content-Length")) {
        std::size_t declared = 0;
        for (char c : value) {
            if (c < '0' || c > '9' || declared > SIZE_MAX / 10 - 9) {
                break;
            }
            declared = declared * 10 + static_cast<std::size_t>(c - '0');
        }
        t.warnIfLarge(declared, "Expected response size");
    }
    t.headers.emplace_back(name, value);
    return len;
}

// ---- driving libcurl ---------------------------------------------------------------------

void HttpClient::socketReady(int fd, unsigned readyEvents) {
    if (static_cast<std::size_t>(fd) >= sockets_.size() ||
        sockets_[static_cast<std::size_t>(fd)].wanted == 0) {
        // An idle connection kept watched between transfers woke up (the server closed it,
        // most likely): libcurl finds that out when it next tries to reuse it.
        forgetSocket(fd);
        return;
    }
    int flags = 0;
    if ((readyEvents & Reactor::kReadable) != 0) {
        flags |= CURL_CSELECT_IN;
    }
    if ((readyEvents & Reactor::kWritable) != 0) {
        flags |= CURL_CSELECT_OUT;
    }
    if ((readyEvents & Reactor::kError) != 0) {
        flags |= CURL_CSELECT_ERR;
    }
    int running = 0;
    curl_multi_socket_action(multi_, fd, flags, &running);
    drainMessages();
}

void HttpClient::timerFired() {
    int running = 0;
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    drainMessages();
}

void HttpClient::drainMessages() {
    auto alive = alive_; // a callback may destroy this client
    while (*alive) {
        int left = 0;
        CURLMsg* message = curl_multi_info_read(multi_, &left);
        if (message == nullptr) {
            return;
        }
        if (message->msg != CURLMSG_DONE) {
            continue;
        }
        CURL* easy = message->easy_handle;
        const CURLcode code = message->data.result; // `message` dies at the next call
        void* transfer = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &transfer);
        if (transfer != nullptr) {
            finish(*static_cast<Transfer*>(transfer), static_cast<int>(code));
        }
    }
}

void HttpClient::finish(Transfer& t, int curlCode) {
    CURL* e = t.easy;
    const auto code = static_cast<CURLcode>(curlCode);
    char* effective = nullptr;
    curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &effective);
    std::string finalUrl = effective != nullptr ? effective : t.request.url;

    // A body shorter than its Content-Length is data loss; with failOnDataLoss off the
    // truncated body is delivered, flagged (Scrapy's DOWNLOAD_FAIL_ON_DATALOSS = False).
    const bool dataLoss = code == CURLE_PARTIAL_FILE && !t.abortKind &&
                          !t.request.failOnDataLoss.value_or(options_.failOnDataLoss);
    if (code == CURLE_OK || dataLoss) {
        Response response;
        response.dataLoss = dataLoss;
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        response.status = static_cast<int>(status);
        long version = 0;
        curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
        response.protocol = protocolName(version);
        char* ip = nullptr;
        curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
        response.ipAddress = ip != nullptr ? ip : "";
        curl_easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME, &response.timing.nameLookup);
        curl_easy_getinfo(e, CURLINFO_CONNECT_TIME, &response.timing.connect);
        curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME, &response.timing.startTransfer);
        curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &response.timing.total);
        curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &response.newConnections);
        response.url = std::move(finalUrl);
        response.headers = std::move(t.headers);
        response.body = std::move(t.body);
        if (t.hops.size() > 1) {
            t.hops.pop_back();
            response.redirectUrls = std::move(t.hops);
        }
        std::unique_ptr<Transfer> owned = detach(t.id);
        response.request = std::move(owned->request);
        deliver(std::move(owned), HttpResult{std::move(response)});
        return;
    }

    HttpFailure failure;
    failure.curlCode = curlCode;
    failure.url = std::move(finalUrl);
    std::string detail;
    if (t.abortKind) {
        failure.kind = *t.abortKind;
        detail = t.abortMessage;
    } else {
        detail = t.errorBuffer[0] != '\0' ? t.errorBuffer : curl_easy_strerror(code);
        failure.kind = refineRecvError(kindOf(code), detail);
        detail += " (fetching " + failure.url + ")";
    }
    failure.message = std::string(toString(failure.kind)) + ": " + detail;
    std::unique_ptr<Transfer> owned = detach(t.id);
    failure.request = std::move(owned->request);
    deliver(std::move(owned), HttpResult{std::move(failure)});
}

} // namespace spider
