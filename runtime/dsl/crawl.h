#pragma once
// The spider language's crawling built-ins for generated code: requests and follow(),
// fetch/sleep/log through an Env, response headers, selector helpers, and the values a
// `catch` or an errback sees (Error, ErrbackFailure).
#include "coro/gather.h"
#include "coro/task.h"
#include "crawler/spider.h"
#include "dsl/builtins.h"
#include "dsl/values.h"

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spider::dsl {

// What a def needs from the running crawl: the engine's context and the spider's name (for
// log lines). Generated spiders make one per call (`dslEnv()`); top-level defs that fetch,
// sleep or log take it as their first parameter. A plain value: coroutines take it by copy.
struct Env {
    SpiderContext* context = nullptr;
    std::string_view spider;
};

// fetch(url or request): an inline request through the downloader.
Deferred<HtmlResponse> fetch(Env env, Request request);
Deferred<HtmlResponse> fetch(Env env, std::string url);
// sleep(seconds) on the crawl's clock.
Deferred<void> sleep(Env env, double seconds);

enum class LogLevel { Debug, Info, Warning, Error };
void logMessage(Env env, LogLevel level, std::string_view message);
// log.info("{} {}", a, b): `{}` placeholders, `{{`/`}}` braces.
template <class... A>
void log(Env env, LogLevel level, std::string_view fmt, const A&... args) {
    logMessage(env, level, formatStrings(fmt, std::vector<std::string>{str(args)...}));
}

// The keyword arguments of request(), follow() and follow_all(), set by chained calls:
//     spider::dsl::RequestOptions().callback("parse").priority(3)
struct RequestOptions {
    std::string callbackName;
    std::string errbackName;
    std::optional<std::string> methodName;
    std::optional<Dict<std::string>> headerMap;
    std::optional<std::string> bodyText;
    std::optional<Dict<std::string>> formFields; // a form-encoded POST (unless method is set)
    std::optional<Dict<Value>> metaMap;
    ValueMap cbKwargsMap;
    std::int64_t priorityValue = 0;
    bool dontFilterValue = false;

    RequestOptions&& callback(std::string v) && { return set(callbackName, std::move(v)); }
    RequestOptions&& errback(std::string v) && { return set(errbackName, std::move(v)); }
    RequestOptions&& method(std::string v) && { return set(methodName, std::move(v)); }
    RequestOptions&& headers(Dict<std::string> v) && { return set(headerMap, std::move(v)); }
    RequestOptions&& body(std::string v) && { return set(bodyText, std::move(v)); }
    RequestOptions&& form(Dict<std::string> v) && { return set(formFields, std::move(v)); }
    RequestOptions&& meta(Dict<Value> v) && { return set(metaMap, std::move(v)); }
    RequestOptions&& cbKwargs(ValueMap v) && { return set(cbKwargsMap, std::move(v)); }
    RequestOptions&& priority(std::int64_t v) && { return set(priorityValue, v); }
    RequestOptions&& dontFilter(bool v) && { return set(dontFilterValue, v); }

private:
    template <class F, class V>
    RequestOptions&& set(F& field, V&& value) {
        field = std::forward<V>(value);
        return std::move(*this);
    }
};

Request makeRequest(std::string url, RequestOptions options = {});
Request follow(const HtmlResponse& response, std::string_view href, RequestOptions options = {});
// A Selector: its href attribute for <a>/<link>, src for <img>, else its text value.
Request follow(const HtmlResponse& response, const Selector& link, RequestOptions options = {});
std::vector<Request> followAll(const HtmlResponse& response, const std::vector<std::string>& hrefs,
                               RequestOptions options = {});
std::vector<Request> followAll(const HtmlResponse& response, const SelectorList& links,
                               RequestOptions options = {});

// Response headers as the language sees them (case-insensitive names).
class Headers {
public:
    Headers() = default;
    explicit Headers(HeaderList headers) : headers_(std::move(headers)) {}
    std::optional<std::string> get(std::string_view name) const;
    std::vector<std::string> getlist(std::string_view name) const;
    bool contains(std::string_view name) const;
    const HeaderList& list() const { return headers_; }

private:
    HeaderList headers_;
};
inline Headers headers(const HtmlResponse& response) { return Headers(response.raw().headers); }
inline bool contains(const Headers& headers, std::string_view name) {
    return headers.contains(name);
}
// response.meta / request.meta as a map[str, any].
Dict<Value> meta(const Request& request);

// ---- selectors (the same calls on a Selector and a SelectorList) -------------------------

std::optional<std::string> get(const Selector& s);
std::string get(const Selector& s, std::string_view fallback);
std::optional<std::string> get(const SelectorList& s);
std::string get(const SelectorList& s, std::string_view fallback);
std::vector<std::string> getall(const Selector& s);
std::vector<std::string> getall(const SelectorList& s);
Dict<std::string> attrib(const Selector& s);
Dict<std::string> attrib(const SelectorList& s);

// ---- errors -------------------------------------------------------------------------------

// The language's error types (what `catch (e: T)` names).
enum class ErrorKind {
    Error,
    HttpError,
    TimeoutError,
    ConnectionError,
    CancelledError,
    ValueError,
    KeyError,
    IndexError,
};

// A caught exception as the language sees it: its kind, message, and for HTTP errors the
// status, URL and response. Generated code catches everything (`catch (...)`), classifies
// it here and rethrows what no clause matches.
class Error {
public:
    static Error from(std::exception_ptr exception);

    ErrorKind kind() const { return kind_; }
    // Whether a `catch (e: kind)` clause takes this error (Error takes everything).
    bool is(ErrorKind kind) const { return kind == ErrorKind::Error || kind == kind_; }
    const std::string& message() const { return message_; }
    // The language's name of the kind: "HttpError", "ValueError", ... ("Error" otherwise).
    std::string type() const;
    std::int64_t status() const;
    const std::string& url() const { return url_; }
    const HtmlResponse& response() const { return response_; }
    const std::exception_ptr& exception() const { return exception_; }

private:
    std::exception_ptr exception_;
    ErrorKind kind_ = ErrorKind::Error;
    std::string message_;
    std::string url_;
    HtmlResponse response_;
};

// What an errback receives: the failure and the request that failed.
class ErrbackFailure {
public:
    ErrbackFailure(Failure failure, Request request)
        : failure_(std::move(failure)), request_(std::move(request)) {}
    std::string message() const { return failure_.what(); }
    std::string type() const { return Error::from(failure_.exception()).type(); }
    const Request& request() const { return request_; }
    const Failure& failure() const { return failure_; }

private:
    Failure failure_;
    Request request_;
};

// ---- spider plumbing ------------------------------------------------------------------------

// Applies one `settings { }` entry at spider priority; a rejected value is a SpiderError
// (the checker validated it, so this only fires on a runtime/compiler mismatch).
void setSetting(Settings& settings, std::string_view key, const Value& value);
// What callback()/errback() throw for a name the spider does not define.
[[noreturn]] void unknownCallback(std::string_view spider, std::string_view name);
// A stream that yields nothing (for callbacks that only log).
CallbackStream noOutput();
// A yielded map literal or map[str, any] as an untyped item.
template <class T>
Item toItem(const Dict<T>& map) {
    return Item(toValueMap(map));
}

} // namespace spider::dsl
