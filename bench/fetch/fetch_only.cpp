// bench_fetch_only: a spider that only fetches (bench/fetch). Its start requests are the
// paths listed in a file, `rounds` times over, each joined to `base`; its callback yields
// nothing and never touches the body, so the page is never parsed. What it measures is the
// whole HTTP path of a crawl (engine, scheduler, downloader slots, libcurl on the reactor,
// stats), without parsing: the same command line as every crawler (crawlerMain).
//
//   bench_fetch_only -a base=http://127.0.0.1:PORT -a paths=FILE [-a rounds=N]
//                    -s concurrent_requests=16 --stats-json stats.json
//
// Start requests are dont_filter (Scrapy's rule), so a path listed twice is fetched twice.

#include "crawler/spider.h"

#include <cstdint>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

class FetchOnlySpider final : public spider::Spider {
  public:
    explicit FetchOnlySpider(const spider::ValueMap& args)
        : base_(spider::argumentString(args, "base", "http://127.0.0.1:8089")),
          rounds_(spider::argumentInt(args, "rounds", 1)) {
        std::string file = spider::argumentString(args, "paths");
        if (file.empty())
            throw spider::SpiderArgumentError("argument 'paths' (a file of URL paths) is required");
        std::ifstream in(file);
        if (!in)
            throw spider::SpiderArgumentError("argument 'paths': cannot read '" + file + "'");
        for (std::string line; std::getline(in, line);) {
            if (!line.empty())
                paths_.push_back(std::move(line));
        }
        if (paths_.empty())
            throw spider::SpiderArgumentError("argument 'paths': '" + file + "' lists no path");
        if (rounds_ < 1)
            throw spider::SpiderArgumentError("argument 'rounds' must be at least 1");
    }

    std::string_view name() const override { return "fetch_only"; }

    void configure(spider::Settings& settings) const override {
        if (auto problem = settings.setValue("download_delay", spider::Value(0.0),
                                             spider::SettingPriority::Spider)) {
            throw std::invalid_argument(*problem);
        }
    }

    spider::StartStream start() override {
        for (std::int64_t round = 0; round < rounds_; ++round) {
            for (const std::string& path : paths_) {
                spider::Request request;
                request.url = base_ + path;
                request.dontFilter = true;
                request.callback = "parse";
                co_yield std::move(request);
            }
        }
    }

    spider::CallbackStream callback(std::string_view cb, spider::HtmlResponse response) override {
        if (cb == "parse")
            return ignore(std::move(response));
        throw spider::UnknownCallbackError("spider 'fetch_only' has no callback '" +
                                           std::string(cb) + "'");
    }

  private:
    static spider::CallbackStream ignore(spider::HtmlResponse response) { co_return; }

    std::string base_;
    std::int64_t rounds_;
    std::vector<std::string> paths_;
};

}  // namespace

int main(int argc, char** argv) {
    return spider::crawlerMain(
        {spider::spiderDefinition<FetchOnlySpider>(
            "fetch_only", {{"base", "the site's base URL", "http://127.0.0.1:8089"},
                           {"paths", "a file of URL paths, one a line", std::nullopt},
                           {"rounds", "how many times to fetch the list", "1"}})},
        argc, argv);
}
