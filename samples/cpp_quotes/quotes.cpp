// samples/quotes.spider written by hand against the runtime, in the shape spiderc emits:
// one class per spider, one AsyncGenerator coroutine per callback, callback() dispatching
// by name, typed arguments read from the ValueMap, an item struct converted to an Item.
//
//     cpp_quotes -a base=http://127.0.0.1:8089 -O quotes.jl
#include "crawler/spider.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

// item Quote { text: str  author: str  tags: list[str]  page: str }
struct Quote {
    std::optional<std::string> text;
    std::optional<std::string> author;
    std::vector<std::string> tags;
    std::string page;

    static const std::shared_ptr<const spider::ItemType>& type() {
        static const auto kType = std::make_shared<const spider::ItemType>(
            spider::ItemType{"Quote", {"text", "author", "tags", "page"}});
        return kType;
    }

    spider::Item toItem() && {
        spider::ValueMap fields;
        fields.reserve(4);
        fields.set("text", text ? spider::Value(std::move(*text)) : spider::Value());
        fields.set("author", author ? spider::Value(std::move(*author)) : spider::Value());
        spider::ValueList tagValues;
        tagValues.reserve(tags.size());
        for (std::string& tag : tags)
            tagValues.emplace_back(std::move(tag));
        fields.set("tags", spider::Value(std::move(tagValues)));
        fields.set("page", spider::Value(std::move(page)));
        return spider::Item(type(), std::move(fields));
    }
};

class QuotesSpider final : public spider::Spider {
  public:
    // arg base: str = "http://127.0.0.1:8089"
    explicit QuotesSpider(const spider::ValueMap& args)
        : base_(spider::argumentString(args, "base", "http://127.0.0.1:8089")) {}

    std::string_view name() const override { return "quotes"; }

    // settings { concurrent_requests = 16  download_delay = 0.0 }
    void configure(spider::Settings& settings) const override {
        set(settings, "concurrent_requests", spider::Value(16));
        set(settings, "download_delay", spider::Value(0.0));
    }

    std::vector<std::string> allowedDomains() const override { return {"127.0.0.1"}; }

    std::vector<std::string> startUrls() const override { return {base_ + "/p/0.html"}; }

    spider::CallbackStream callback(std::string_view cb, spider::HtmlResponse response) override {
        if (cb == "parse")
            return parse(std::move(response));
        throw spider::UnknownCallbackError("spider 'quotes' has no callback '" + std::string(cb) +
                                           "'");
    }

  private:
    static void set(spider::Settings& settings, std::string_view key, const spider::Value& value) {
        if (auto problem = settings.setValue(key, value, spider::SettingPriority::Spider)) {
            throw std::invalid_argument(*problem);
        }
    }

    // async def parse(response) { ... }
    spider::CallbackStream parse(spider::HtmlResponse response);

    std::string base_;
};

spider::CallbackStream QuotesSpider::parse(spider::HtmlResponse response) {
    // for q in response.css("div.quote") { yield Quote(...) }
    spider::SelectorList quotes = response.css("div.quote");
    for (const spider::Selector& q : quotes) {
        Quote item;
        item.text = q.css("span.text::text").get();
        item.author = q.xpath(".//small[@class='author']/text()").get();
        item.tags = q.css("a.tag::text").getall();
        item.page = response.url();
        co_yield spider::Output(std::move(item).toItem());
    }
    // for href in response.css("ul.pager a::attr(href), ul.related a::attr(href)").getall()
    std::vector<std::string> hrefs =
        response.css("ul.pager a::attr(href), ul.related a::attr(href)").getall();
    for (const std::string& href : hrefs) {
        // yield response.follow(href, callback=parse)
        spider::Request prototype;
        prototype.callback = "parse";
        spider::Request next = response.follow(href, std::move(prototype));
        co_yield spider::Output(std::move(next));
    }
}

} // namespace

int main(int argc, char** argv) {
    return spider::crawlerMain(
        {spider::spiderDefinition<QuotesSpider>(
            "quotes", {{"base", "the site's base URL", "http://127.0.0.1:8089"}})},
        argc, argv);
}
