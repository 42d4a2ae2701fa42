#pragma once
// The contract between a spider and the engine that runs it. spiderc generates one
// Spider subclass per `spider` block; hand-written C++ spiders (samples/) implement the same
// interface. Everything a generated program needs from the runtime is reachable from here.
//
// The shape of a generated program (see docs/generated-code.md):
//
//     class QuotesSpider final : public spider::Spider {
//     public:
//         explicit QuotesSpider(const spider::ValueMap& args);   // typed -a arguments
//         std::string_view name() const override { return "quotes"; }
//         void configure(spider::Settings& s) const override;  // the `settings { }` block
//         std::vector<std::string> allowedDomains() const override;
//         std::vector<std::string> startUrls() const override;
//         spider::CallbackStream callback(std::string_view cb, spider::HtmlResponse r) override;
//     private:
//         spider::CallbackStream parse(spider::HtmlResponse response);   // one per `def`
//     };
//     int main(int argc, char** argv) {
//         return spider::crawlerMain({spider::spiderDefinition<QuotesSpider>(...)}, argc, argv);
//     }
//
// Callbacks are named, and their extra arguments travel as Values in Request::cbKwargs, so
// a queued request is plain data: the scheduler can pack it, SQLite can persist it and Redis
// can share it. A spider maps a callback name back to its coroutine in callback().
#include "coro/async_generator.h"
#include "data/item.h"
#include "data/value.h"
#include "deferred/deferred.h"
#include "deferred/failure.h"
#include "engine/command_line.h"
#include "engine/settings.h"
#include "http/request.h"
#include "http/response.h"
#include "reactor/reactor_time.h"
#include "selectors/query_cache.h"
#include "selectors/selector.h"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace spider {

class Logger;
class StatsCollector;

// What a worker thread can prepare for a page before its callback runs: the parsed tree and,
// when the body was not already UTF-8, the decoded text the tree was parsed from.
struct PreparedPage {
    ParsedTree tree;
    std::optional<std::string> text;
};

// A downloaded page as callbacks see it (Scrapy's HtmlResponse): the Response plus its
// parsed document, built on first use and shared by every copy. Copying is a refcount.
class HtmlResponse {
  public:
    HtmlResponse() = default;
    // `cache` holds the compiled CSS/XPath/regex queries shared by every page of a crawl
    // (the engine passes its own); nullptr gives the page a private one.
    explicit HtmlResponse(std::shared_ptr<const Response> response,
                          std::shared_ptr<QueryCache> cache = nullptr);
    // Whether this handle holds a response (a default-constructed one does not).
    bool valid() const { return response_ != nullptr; }

    const Response& raw() const { return *response_; }
    const std::string& url() const { return response_->url; }
    int status() const { return response_->status; }
    // The body decoded to UTF-8 (computed once).
    const std::string& text() const;
    const Request& request() const { return response_->request; }
    const ValueMap& meta() const { return response_->request.meta; }
    const ValueMap& cbKwargs() const { return response_->request.cbKwargs; }
    // The depth of the request this page answered (start requests: 0).
    int depth() const { return response_->request.depth; }

    // The root selector of the page (parsed once, on first use).
    const Selector& selector() const;
    // Whether selector() was used, i.e. the page's document exists.
    bool parsed() const;
    // Whether a parse prepared ahead (adoptPrepared) waits for selector() to adopt it.
    bool parsedAhead() const;

    // Parses `response` exactly as selector() would. Reads nothing but `response`, so it
    // may run on a worker thread while the reactor thread holds the page (the engine's
    // parse threads do). Throws SelectorError if libxml2 cannot allocate the document.
    static PreparedPage prepare(const Response& response);
    // Hands this page a prepare()d parse of its own response: selector() then adopts the
    // tree instead of parsing (a page already parsed keeps its document), and the document
    // gives its tree to `dispose` when it dies (HtmlDocument::adopt). Reactor thread.
    void adoptPrepared(PreparedPage page, TreeDisposer dispose = {});
    // The response, for work that must outlive this handle (prepare on a worker thread).
    const std::shared_ptr<const Response>& rawShared() const { return response_; }
    SelectorList css(std::string_view query) const { return selector().css(query); }
    SelectorList xpath(std::string_view query) const { return selector().xpath(query); }

    // `href` resolved against this page's URL (Scrapy's response.urljoin); an href that does
    // not resolve is returned unchanged and will fail as a request.
    std::string urljoin(std::string_view href) const;
    // A request for `href` relative to this page (Scrapy's response.follow): the new
    // request's depth is this one's + 1; `prototype` carries callback, priority, meta, ...
    // (Overloads rather than default arguments: g++ 12 corrupts a defaulted by-value class
    // argument when the call sits in a co_yield operand.)
    Request follow(std::string_view href, Request prototype) const;
    Request follow(std::string_view href) const { return follow(href, Request()); }
    std::vector<Request> followAll(const std::vector<std::string>& hrefs,
                                   const Request& prototype) const;
    std::vector<Request> followAll(const std::vector<std::string>& hrefs) const {
        return followAll(hrefs, Request());
    }

private:
    struct State;
    std::shared_ptr<const Response> response_;
    std::shared_ptr<State> state_;
};

// What a callback yields: an item for the pipelines or a request for the scheduler.
class Output {
  public:
    Output(Item item)
        : v_(std::move(item)) {}
    Output(Request request)
        : v_(std::move(request)) {}

    bool isItem() const { return v_.index() == 0; }
    bool isRequest() const { return v_.index() == 1; }
    Item& item() { return std::get<Item>(v_); }
    Request& request() { return std::get<Request>(v_); }

  private:
    std::variant<Item, Request> v_;
};

using CallbackStream = AsyncGenerator<Output>;
using StartStream = AsyncGenerator<Request>;

// What a running spider can reach, implemented by the engine (a test may implement it too).
class SpiderContext {
  public:
    virtual ~SpiderContext() = default;
    virtual ReactorTime& time() = 0;
    // An inline request (`await fetch(...)`): goes through the downloader (slots, delays,
    // retries, redirects, stats) but not the scheduler's dupefilter; the awaiting callback
    // counts as in-flight work until it finishes. Fails with HttpError for a non-2xx status
    // that was not retried away, and with the download's Failure otherwise.
    virtual Deferred<HtmlResponse> fetch(Request request) = 0;
    virtual Logger& logger() = 0;
    virtual StatsCollector& stats() = 0;
    virtual const Settings& settings() const = 0;
};

// The failure of a request whose response had a status the spider does not handle
// (Scrapy's HttpError): what `catch (e: HttpError)` catches in the DSL.
class HttpError : public std::runtime_error {
  public:
    HttpError(HtmlResponse response);
    int status() const { return response_.status(); }
    const std::string& url() const { return response_.url(); }
    const HtmlResponse& response() const { return response_; }

  private:
    HtmlResponse response_;
};

// An error raised by spider code, carrying the position in the spider's source it was
// raised at. Generated code throws it for the DSL's `raise` and failed checks; under its
// `#line` directives the default argument captures the .spider file and line, which the
// engine prints when the error escapes a callback ("[at quotes.spider:23]").
class SpiderError : public std::runtime_error {
  public:
    explicit SpiderError(const std::string& message,
                         SourceLocation where = SourceLocation::current())
        : std::runtime_error(message)
        , where_(where) {}
    const SourceLocation& where() const noexcept { return where_; }

  private:
    SourceLocation where_;
};

// Thrown by callback()/errback() for a name the spider does not define (a spider bug: the
// engine logs it with the request and counts it as a spider exception).
class UnknownCallbackError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Thrown by a spider's constructor for an -a argument it cannot use (say, "abc" for an int
// argument): crawlerMain reports it and exits with status 2.
class SpiderArgumentError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Typed access to the values crawlerMain passes a spider's constructor: -a values arrive
// as strings, declared defaults as strings too. Each returns `fallback` when `name` is
// absent and throws SpiderArgumentError ("argument 'pages' expects an integer, got 'ten'")
// when the value does not convert. Ints and floats parse like Python's int()/float() of
// the text; bools accept true/false/1/0/yes/no/on/off in any case. A typed Value (a test
// passing Value(3)) is accepted as is when its type fits.
std::string argumentString(const ValueMap& args, std::string_view name, std::string fallback = {});
std::int64_t argumentInt(const ValueMap& args, std::string_view name, std::int64_t fallback = 0);
double argumentFloat(const ValueMap& args, std::string_view name, double fallback = 0);
bool argumentBool(const ValueMap& args, std::string_view name, bool fallback = false);

class Spider {
  public:
    virtual ~Spider() = default;

    // The spider's name (`spider NAME { ... }`), used in logs and to pick one spider from a
    // program that defines several.
    virtual std::string_view name() const = 0;

    // Applies the spider's own settings (its `settings { }` block) at SettingPriority::Spider.
    virtual void configure([[maybe_unused]] Settings& settings) const {}

    // Scrapy's allowed_domains: requests to other hosts are dropped as offsite. Empty: all.
    virtual std::vector<std::string> allowedDomains() const { return {}; }

    // Scrapy's start_urls; used by the default start().
    virtual std::vector<std::string> startUrls() const { return {}; }

    // The start requests (Scrapy's start_requests / async start()). The default yields one
    // GET per start URL, dont_filter, callback "parse".
    virtual StartStream start();

    // Runs callback `name` on a response; its cb_kwargs are in response.cbKwargs().
    // Throws UnknownCallbackError for a name the spider does not define.
    virtual CallbackStream callback(std::string_view name, HtmlResponse response) = 0;

    // Runs errback `name` on a failed request. The default throws UnknownCallbackError.
    virtual CallbackStream errback(std::string_view name, Failure failure, Request request);

    // Called by the engine before start(); the context outlives the crawl.
    void attach(SpiderContext& context) { context_ = &context; }

  protected:
    // The engine running this spider; std::logic_error before attach().
    SpiderContext& context() const;
    Deferred<HtmlResponse> fetch(Request request) { return context().fetch(std::move(request)); }
    Logger& logger() const { return context().logger(); }

  private:
    SpiderContext* context_ = nullptr;
};

// One spider a program offers: its name, its declared -a arguments (for --help and
// validation) and how to make it from the arguments' values.
struct SpiderDefinition {
    std::string name;
    std::vector<SpiderArgument> arguments;
    std::function<std::unique_ptr<Spider>(const ValueMap& arguments)> make;
};

template <class S>
SpiderDefinition spiderDefinition(std::string name, std::vector<SpiderArgument> arguments) {
    return {std::move(name), std::move(arguments),
            [](const ValueMap& args) { return std::make_unique<S>(args); }};
}

// The main() of every crawler executable (`scrapy crawl` in one binary): parses the shared
// command line (-a, -o/-O, -s, --log-level, --stats-json, --help, --version; a program
// with several spiders takes the spider's name as its first argument, optional with one),
// builds the spider from its -a values, applies settings (defaults < the spider's
// configure() < -s), runs the crawl on a Reactor until the engine closes, writes
// --stats-json, and returns the exit status (also in --help):
//   0      finish_reason "finished" or a closespider_* condition;
//   1      the spider failed to start (its constructor or configure() threw), a feed could
//          not be opened or written, or the stats file could not be written;
//   2      a command-line error (unknown option/spider/setting/argument, bad value,
//          SpiderArgumentError from the constructor);
//   128+N  stopped by signal N after a shutdown (130 for SIGINT, 143 for SIGTERM): the
//          first SIGINT/SIGTERM closes gracefully (in-flight work finishes), the second
//          aborts; the feeds are closed valid either way. Unlike Scrapy (which exits 0),
//          an interrupted crawl is not reported as a success.
int crawlerMain(std::vector<SpiderDefinition> spiders, int argc, char** argv);

} // namespace spider
