// bench_fetch_client: the runtime's HTTP client alone (bench/fetch). A Reactor and an
// HttpClient keep CONCURRENCY transfers in flight over the paths of a file, `rounds` times
// over; no engine, scheduler, downloader slots or stats. Next to bench_fetch_only (the same
// fetches through the whole crawler) it splits the HTTP path's cost into libcurl-on-the-
// reactor and the engine on top.
//
//   bench_fetch_client BASE_URL PATHS_FILE ROUNDS CONCURRENCY
//
// Prints a line for people, then a JSON summary as the last line; exits 1 when any fetch
// failed or answered other than 200.

#include "http/client.h"
#include "reactor/reactor.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace {

double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& tv) {
        return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Keeps `concurrency` transfers going until every URL has been fetched once.
class FetchLoop {
  public:
    FetchLoop(spider::Reactor& reactor, spider::HttpClient& client, std::vector<std::string> urls)
        : reactor_(reactor), client_(client), urls_(std::move(urls)) {}

    void start(std::size_t concurrency) {
        for (std::size_t i = 0; i < concurrency && next_ < urls_.size(); ++i)
            startNext();
    }

    std::size_t done() const { return done_; }
    std::size_t failed() const { return failed_; }
    std::size_t bytes() const { return bytes_; }
    const std::string& firstProblem() const { return firstProblem_; }

  private:
    void startNext() {
        spider::Request request;
        request.url = urls_[next_++];
        client_.start(std::move(request), [this](spider::HttpResult result) { finished(result); });
    }

    void finished(const spider::HttpResult& result) {
        ++done_;
        if (!result.ok() || result.response().status != 200) {
            ++failed_;
            if (firstProblem_.empty()) {
                firstProblem_ = result.ok() ? "status " + std::to_string(result.response().status)
                                            : result.failure().message;
            }
        } else {
            bytes_ += result.response().body.size();
        }
        if (next_ < urls_.size())
            startNext();
        else if (done_ == urls_.size())
            reactor_.stop();
    }

    spider::Reactor& reactor_;
    spider::HttpClient& client_;
    std::vector<std::string> urls_;
    std::size_t next_ = 0;
    std::size_t done_ = 0;
    std::size_t failed_ = 0;
    std::size_t bytes_ = 0;
    std::string firstProblem_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s BASE_URL PATHS_FILE ROUNDS CONCURRENCY\n", argv[0]);
        return 2;
    }
    std::string base = argv[1];
    long rounds = std::strtol(argv[3], nullptr, 10);
    long concurrency = std::strtol(argv[4], nullptr, 10);
    if (rounds < 1 || concurrency < 1) {
        std::fprintf(stderr, "bench_fetch_client: ROUNDS and CONCURRENCY must be positive\n");
        return 2;
    }
    std::vector<std::string> paths;
    {
        std::ifstream in(argv[2]);
        if (!in) {
            std::fprintf(stderr, "bench_fetch_client: cannot read %s\n", argv[2]);
            return 2;
        }
        for (std::string line; std::getline(in, line);) {
            if (!line.empty())
                paths.push_back(base + line);
        }
    }
    if (paths.empty()) {
        std::fprintf(stderr, "bench_fetch_client: %s lists no path\n", argv[2]);
        return 2;
    }
    std::vector<std::string> urls;
    urls.reserve(paths.size() * static_cast<std::size_t>(rounds));
    for (long r = 0; r < rounds; ++r)
        urls.insert(urls.end(), paths.begin(), paths.end());
    std::size_t total = urls.size();

    try {
        spider::Reactor reactor;
        spider::HttpClient client(reactor);
        FetchLoop loop(reactor, client, std::move(urls));
        double cpuStart = cpuSeconds();
        auto wallStart = std::chrono::steady_clock::now();
        reactor.callSoon([&] { loop.start(static_cast<std::size_t>(concurrency)); });
        reactor.run();
        double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
        double cpu = cpuSeconds() - cpuStart;
        std::printf("HttpClient alone: %zu requests (%zu failed), concurrency %ld: %.0f "
                    "requests/s, %.0f requests/CPU-s\n",
                    loop.done(), loop.failed(), concurrency, static_cast<double>(total) / wall,
                    static_cast<double>(total) / cpu);
        std::printf("{\"bench\": \"fetch_client\", \"requests\": %zu, \"failed\": %zu, "
                    "\"concurrency\": %ld, \"wall_s\": %.3f, \"cpu_s\": %.3f, "
                    "\"requests_per_s\": %.1f, \"requests_per_cpu_s\": %.1f, "
                    "\"body_bytes\": %zu}\n",
                    loop.done(), loop.failed(), concurrency, wall, cpu,
                    static_cast<double>(total) / wall, static_cast<double>(total) / cpu,
                    loop.bytes());
        if (loop.failed() != 0 || loop.done() != total) {
            std::fprintf(stderr, "bench_fetch_client: %zu of %zu fetches failed (first: %s)\n",
                         loop.failed(), total, loop.firstProblem().c_str());
            return 1;
        }
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench_fetch_client: %s\n", error.what());
        return 1;
    }
}
