#include "crawler/spider.h"

#include "data/utf8.h"
#include "http/url.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace spider {

// Lazily computed views of one response, shared by every copy of the HtmlResponse: a
// callback that passes the response around (to helpers, in cb_kwargs of nothing) never
// decodes or parses twice.
struct HtmlResponse::State {
    std::shared_ptr<QueryCache> cache;
    std::optional<std::string> text;
    std::optional<Selector> root;
    // A parse prepared ahead on a parse thread, adopted by the first selector() call, and
    // where its tree goes when the document dies.
    ParsedTree prepared;
    TreeDisposer dispose;
    // The page URL parsed once for all of its links (parsing the base is most of a join).
    std::optional<UrlJoiner> joiner;
};

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The body itself when decoding it would change nothing: its charset is UTF-8 and it is
// valid UTF-8, so Response::text() would only copy it (dropping a UTF-8 byte-order mark).
// Most pages are, and the parser then reads the body without a decoded copy.
std::optional<std::string_view> bodyAsText(const Response& response) {
    std::string_view body = response.body;
    if (body.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
        body.remove_prefix(kUtf8Bom.size());
    }
    if (!detail::isValidUtf8(body) || response.charset() != "utf-8") {
        return std::nullopt;
    }
    return body;
}

} // namespace

HtmlResponse::HtmlResponse(std::shared_ptr<const Response> response,
                           std::shared_ptr<QueryCache> cache)
    : response_(std::move(response))
    , state_(std::make_shared<State>()) {
    if (!response_) {
        throw std::invalid_argument("HtmlResponse needs a response");
    }
    state_->cache = std::move(cache);
}

const std::string& HtmlResponse::text() const {
    if (!state_->text) {
        state_->text = response_->text();
    }
    return *state_->text;
}

const Selector& HtmlResponse::selector() const {
    if (!state_->root) {
        if (state_->prepared) {
            state_->root = HtmlDocument::adopt(std::move(state_->prepared), state_->cache,
                                               std::move(state_->dispose))
                               ->root();
            return *state_->root;
        }
        std::optional<std::string_view> body;
        if (!state_->text) {
            body = bodyAsText(*response_);
        }
        state_->root = Selector::fromText(body ? *body : std::string_view(text()), ParseOptions{},
                                          state_->cache);
    }
    return *state_->root;
}

bool HtmlResponse::parsed() const {
    return state_->root.has_value();
}

bool HtmlResponse::parsedAhead() const {
    return static_cast<bool>(state_->prepared);
}

PreparedPage HtmlResponse::prepare(const Response& response) {
    PreparedPage page;
    if (std::optional<std::string_view> body = bodyAsText(response)) {
        page.tree = HtmlDocument::parseTree(*body);
    } else {
        page.text = response.text();
        page.tree = HtmlDocument::parseTree(*page.text);
    }
    return page;
}

void HtmlResponse::adoptPrepared(PreparedPage page, TreeDisposer dispose) {
    if (state_->root) {
        return;
    }
    if (page.text && !state_->text) {
        state_->text = std::move(page.text);
    }
    state_->prepared = std::move(page.tree);
    state_->dispose = std::move(dispose);
}

std::string HtmlResponse::urljoin(std::string_view href) const {
    if (!state_->joiner) {
        state_->joiner.emplace(url()); // the response, and so its URL, never changes
    }
    if (std::optional<std::string> joined = state_->joiner->join(href)) {
        return std::move(*joined);
    }
    return std::string(href);
}

Request HtmlResponse::follow(std::string_view href, Request prototype) const {
    prototype.url = urljoin(href);
    prototype.depth = depth() + 1;
    return prototype;
}

std::vector<Request> HtmlResponse::followAll(const std::vector<std::string>& hrefs,
                                             const Request& prototype) const {
    std::vector<Request> requests;
    requests.reserve(hrefs.size());
    for (const std::string& href : hrefs) {
        requests.push_back(follow(href, prototype));
    }
    return requests;
}

namespace {

std::string httpErrorMessage(const HtmlResponse& response) {
    if (!response.valid()) {
        return "HTTP error without a response";
    }
    return "HTTP status code " + std::to_string(response.status()) +
           " is not handled or not allowed: <" + std::to_string(response.status()) + " " +
           response.url() + ">";
}

} // namespace

HttpError::HttpError(HtmlResponse response)
    : std::runtime_error(httpErrorMessage(response))
    , response_(std::move(response)) {}

// ---------------------------------------------------------------------------------------
// Typed spider arguments.

namespace {

[[noreturn]] void badArgument(std::string_view name, std::string_view expected,
                              const Value& value) {
    std::string got =
        value.isString() ? "'" + value.asString() + "'" : std::string(typeName(value.type()));
    throw SpiderArgumentError("argument '" + std::string(name) + "' expects " +
                              std::string(expected) + ", got " + got);
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

bool equalsLower(std::string_view text, std::string_view lower) {
    if (text.size() != lower.size())
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i])
            return false;
    }
    return true;
}

} // namespace

std::string argumentString(const ValueMap& args, std::string_view name, std::string fallback) {
    const Value* value = args.find(name);
    if (!value || value->isNone())
        return fallback;
    if (const std::string* text = value->getString())
        return *text;
    if (value->isInt())
        return std::to_string(value->asInt());
    badArgument(name, "a string", *value);
}

std::int64_t argumentInt(const ValueMap& args, std::string_view name, std::int64_t fallback) {
    const Value* value = args.find(name);
    if (!value || value->isNone())
        return fallback;
    if (value->isInt())
        return value->asInt();
    if (const std::string* text = value->getString()) {
        std::string digits(trimmed(*text));
        // Python's int() allows '_' between digits; nobody types that in -a.
        if (!digits.empty()) {
            errno = 0;
            char* end = nullptr;
            long long parsed = std::strtoll(digits.c_str(), &end, 10);
            if (errno == 0 && end == digits.c_str() + digits.size()) {
                return static_cast<std::int64_t>(parsed);
            }
        }
    }
    badArgument(name, "an integer", *value);
}

double argumentFloat(const ValueMap& args, std::string_view name, double fallback) {
    const Value* value = args.find(name);
    if (!value || value->isNone())
        return fallback;
    if (value->isNumber())
        return value->asFloat();
    if (const std::string* text = value->getString()) {
        std::string number(trimmed(*text));
        if (!number.empty()) {
            errno = 0;
            char* end = nullptr;
            double parsed = std::strtod(number.c_str(), &end);
            if (errno == 0 && end == number.c_str() + number.size()) {
                return parsed;
            }
        }
    }
    badArgument(name, "a number", *value);
}

bool argumentBool(const ValueMap& args, std::string_view name, bool fallback) {
    const Value* value = args.find(name);
    if (!value || value->isNone())
        return fallback;
    if (value->isBool())
        return value->asBool();
    if (const std::string* text = value->getString()) {
        std::string_view word = trimmed(*text);
        for (std::string_view yes : {"true", "1", "yes", "on"}) {
            if (equalsLower(word, yes))
                return true;
        }
        for (std::string_view no : {"false", "0", "no", "off"}) {
            if (equalsLower(word, no))
                return false;
        }
    }
    badArgument(name, "true or false", *value);
}

// ---------------------------------------------------------------------------------------
// Spider defaults.

StartStream Spider::start() {
    // startUrls() is read once, before the first request: a spider that computes its start
    // URLs from its arguments sees them all constructed already.
    std::vector<std::string> urls = startUrls();
    for (std::string& url : urls) {
        Request request;
        request.url = std::move(url);
        request.dontFilter = true;
        request.callback = "parse";
        co_yield std::move(request);
    }
}

CallbackStream Spider::errback(std::string_view name, Failure failure, Request request) {
    throw UnknownCallbackError("spider '" + std::string(this->name()) + "' has no errback '" +
                               std::string(name) + "'");
}

SpiderContext& Spider::context() const {
    if (!context_) {
        throw std::logic_error("spider '" + std::string(name()) +
                               "' is not attached to an engine yet (its constructor cannot "
                               "fetch, log or read settings)");
    }
    return *context_;
}

} // namespace spider
