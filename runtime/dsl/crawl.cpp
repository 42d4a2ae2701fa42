#include "dsl/crawl.h"

#include "coro/sleep.h"
#include "data/python_format.h"
#include "deferred/errors.h"
#include "downloader/downloader.h"
#include "engine/log.h"
#include "http/client.h"

#include <cstdio>

namespace spider::dsl {
namespace {

SpiderContext& contextOf(const Env& env) {
    if (env.context == nullptr) {
        throw std::logic_error("fetch, sleep and log need a running crawl");
    }
    return *env.context;
}

// application/x-www-form-urlencoded, as Python's urlencode (quote_plus) writes it.
std::string formEncode(const Dict<std::string>& form) {
    auto encode = [](std::string& out, std::string_view text) {
        for (char ch : text) {
            const auto c = static_cast<unsigned char>(ch);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-' || c == '~') {
                out += ch;
            } else if (c == ' ') {
                out += '+';
            } else {
                char buffer[4];
                std::snprintf(buffer, sizeof buffer, "%%%02X", c);
                out += buffer;
            }
        }
    };
    std::string body;
    for (const auto& [key, value] : form) {
        if (!body.empty()) body += '&';
        encode(body, key);
        body += '=';
        encode(body, value);
    }
    return body;
}

void apply(Request& request, RequestOptions&& options) {
    request.callback = std::move(options.callbackName);
    request.errback = std::move(options.errbackName);
    if (options.headerMap) {
        for (auto& [name, value] : *options.headerMap) request.headers.emplace_back(name, value);
    }
    if (options.formFields) {
        request.method = "POST";
        request.body = formEncode(*options.formFields);
        if (!findHeader(request.headers, "Content-Type")) {
            request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        }
    }
    if (options.methodName) request.method = std::move(*options.methodName);
    if (options.bodyText) request.body = std::move(*options.bodyText);
    if (options.metaMap) request.meta = toValueMap(*options.metaMap);
    request.cbKwargs = std::move(options.cbKwargsMap);
    request.priority = static_cast<int>(options.priorityValue);
    request.dontFilter = options.dontFilterValue;
}

std::string linkTarget(const Selector& link) {
    if (link.kind() == Selector::Kind::Element) {
        for (const char* attribute : {"href", "src"}) {
            if (std::optional<std::string> value = link.attribute(attribute)) {
                return *value;
            }
        }
        throw ValueError("follow: the selector has no href attribute: " + strOf(link));
    }
    return link.get();
}

} // namespace

Deferred<HtmlResponse> fetch(Env env, Request request) {
    return contextOf(env).fetch(std::move(request));
}

Deferred<HtmlResponse> fetch(Env env, std::string url) {
    Request request;
    request.url = std::move(url);
    return contextOf(env).fetch(std::move(request));
}

Deferred<void> sleep(Env env, double seconds) {
    return spider::sleep(contextOf(env).time(), seconds < 0 ? 0 : seconds);
}

void logMessage(Env env, LogLevel level, std::string_view message) {
    Logger& logger = contextOf(env).logger();
    switch (level) {
    case LogLevel::Debug:
        logger.debug(env.spider, message);
        break;
    case LogLevel::Info:
        logger.info(env.spider, message);
        break;
    case LogLevel::Warning:
        logger.warning(env.spider, message);
        break;
    case LogLevel::Error:
        logger.error(env.spider, message);
        break;
    }
}

Request makeRequest(std::string url, RequestOptions options) {
    Request request;
    request.url = std::move(url);
    apply(request, std::move(options));
    return request;
}

Request follow(const HtmlResponse& response, std::string_view href, RequestOptions options) {
    Request prototype;
    apply(prototype, std::move(options));
    return response.follow(href, std::move(prototype));
}

Request follow(const HtmlResponse& response, const Selector& link, RequestOptions options) {
    return follow(response, std::string_view(linkTarget(link)), std::move(options));
}

std::vector<Request> followAll(const HtmlResponse& response, const std::vector<std::string>& hrefs,
                               RequestOptions options) {
    Request prototype;
    apply(prototype, std::move(options));
    return response.followAll(hrefs, prototype);
}

std::vector<Request> followAll(const HtmlResponse& response, const SelectorList& links,
                               RequestOptions options) {
    std::vector<std::string> hrefs;
    hrefs.reserve(links.size());
    for (const Selector& link : links) hrefs.push_back(linkTarget(link));
    return followAll(response, hrefs, std::move(options));
}

std::optional<std::string> Headers::get(std::string_view name) const {
    if (auto value = findHeader(headers_, name)) return std::string(*value);
    return std::nullopt;
}

std::vector<std::string> Headers::getlist(std::string_view name) const {
    std::vector<std::string> out;
    for (std::string_view value : findHeaders(headers_, name)) out.emplace_back(value);
    return out;
}

bool Headers::contains(std::string_view name) const {
    return findHeader(headers_, name).has_value();
}

Dict<Value> meta(const Request& request) { return fromValueMap(request.meta); }

std::optional<std::string> get(const Selector& s) { return s.get(); }
std::string get(const Selector& s, std::string_view) { return s.get(); }
std::optional<std::string> get(const SelectorList& s) { return s.get(); }
std::string get(const SelectorList& s, std::string_view fallback) { return s.get(fallback); }
std::vector<std::string> getall(const Selector& s) { return s.getall(); }
std::vector<std::string> getall(const SelectorList& s) { return s.getall(); }

Dict<std::string> attrib(const Selector& s) {
    Dict<std::string> out;
    for (auto& [name, value] : s.attrib()) out.set(name, value);
    return out;
}

Dict<std::string> attrib(const SelectorList& s) {
    Dict<std::string> out;
    for (auto& [name, value] : s.attrib()) out.set(name, value);
    return out;
}

Error Error::from(std::exception_ptr exception) {
    Error e;
    e.exception_ = exception;
    try {
        std::rethrow_exception(exception);
    } catch (const HttpError& x) {
        e.kind_ = ErrorKind::HttpError;
        e.message_ = x.what();
        e.url_ = x.url();
        e.response_ = x.response();
    } catch (const HttpFailureError& x) {
        e.message_ = x.what();
        e.url_ = x.url;
        switch (x.kind) {
        case HttpFailureKind::Timeout:
            e.kind_ = ErrorKind::TimeoutError;
            break;
        case HttpFailureKind::Cancelled:
            e.kind_ = ErrorKind::CancelledError;
            break;
        case HttpFailureKind::ConnectFailed:
        case HttpFailureKind::DnsFailed:
        case HttpFailureKind::ConnectionLost:
        case HttpFailureKind::TlsError:
        case HttpFailureKind::ProtocolError:
            e.kind_ = ErrorKind::ConnectionError;
            break;
        default:
            e.kind_ = ErrorKind::Error;
            break;
        }
    } catch (const TimeoutError& x) {
        e.kind_ = ErrorKind::TimeoutError;
        e.message_ = x.what();
    } catch (const CancelledError& x) {
        e.kind_ = ErrorKind::CancelledError;
        e.message_ = x.what();
    } catch (const ValueError& x) {
        e.kind_ = ErrorKind::ValueError;
        e.message_ = x.what();
    } catch (const ValueTypeError& x) {
        e.kind_ = ErrorKind::ValueError;
        e.message_ = x.what();
    } catch (const KeyError& x) {
        e.kind_ = ErrorKind::KeyError;
        e.message_ = x.what();
    } catch (const IndexError& x) {
        e.kind_ = ErrorKind::IndexError;
        e.message_ = x.what();
    } catch (const std::exception& x) {
        e.message_ = x.what();
    } catch (...) {
        e.message_ = "unknown error";
    }
    return e;
}

std::string Error::type() const {
    switch (kind_) {
    case ErrorKind::Error:
        return "Error";
    case ErrorKind::HttpError:
        return "HttpError";
    case ErrorKind::TimeoutError:
        return "TimeoutError";
    case ErrorKind::ConnectionError:
        return "ConnectionError";
    case ErrorKind::CancelledError:
        return "CancelledError";
    case ErrorKind::ValueError:
        return "ValueError";
    case ErrorKind::KeyError:
        return "KeyError";
    case ErrorKind::IndexError:
        return "IndexError";
    }
    return "Error";
}

std::int64_t Error::status() const { return response_.valid() ? response_.status() : 0; }

std::string strOf(const HtmlResponse& v) {
    if (!v.valid()) return "None";
    // Appends, not "<" + std::string: that trips a g++ 12 -O3 -Wrestrict false positive.
    return std::string("<").append(std::to_string(v.status())).append(" ").append(v.url()).append(">");
}
std::string strOf(const Request& v) { return "<" + v.method + " " + v.url + ">"; }
std::string strOf(const Selector& v) {
    std::string data = v.get();
    if (len(data) > 40) data = slice(data, Bound(), Bound(40), Bound()) + "...";
    return "<Selector data=" + reprString(data) + ">";
}
std::string strOf(const SelectorList& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out += ", ";
        out += strOf(v[i]);
    }
    return out + "]";
}
std::string strOf(const Headers& v) {
    std::string out = "{";
    for (std::size_t i = 0; i < v.list().size(); ++i) {
        if (i > 0) out += ", ";
        out += reprString(v.list()[i].first) + ": " + reprString(v.list()[i].second);
    }
    return out + "}";
}
std::string strOf(const Error& v) { return v.message(); }
std::string strOf(const ErrbackFailure& v) { return v.type() + ": " + v.message(); }
std::string strOf(const Item& v) { return pythonRepr(Value(v.fields())); }

void setSetting(Settings& settings, std::string_view key, const Value& value) {
    if (auto problem = settings.setValue(key, value, SettingPriority::Spider)) {
        throw SpiderError("spider setting " + std::string(key) + ": " + *problem);
    }
}

void unknownCallback(std::string_view spider, std::string_view name) {
    throw UnknownCallbackError("spider '" + std::string(spider) + "' has no callback '" +
                               std::string(name) + "'");
}

CallbackStream noOutput() { co_return; }

} // namespace spider::dsl
