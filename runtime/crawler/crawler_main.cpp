// crawlerMain: the main() of every crawler executable.
#include "coro/run.h"
#include "crawler/crawler.h"
#include "selectors/libxml_memory.h"
#include "crawler/spider.h"
#include "engine/command_line.h"
#include "engine/log.h"
#include "reactor/reactor.h"
#include "version.h"

#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace spider {

namespace {

// Exit statuses (also in the --help text below).
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSignalBase = 128;

constexpr std::string_view kHelpNotes =
    "\nSignals:\n"
    "  The first SIGINT (Ctrl-C) or SIGTERM stops scheduling new requests and lets the\n"
    "  downloads and callbacks in flight finish; a second one cancels them and stops at\n"
    "  once. Either way the feeds are closed valid, with every item scraped so far.\n"
    "\nExit status:\n"
    "  0        the crawl finished, or closed on a CLOSESPIDER_* condition\n"
    "  1        the spider failed to start, or a feed or --stats-json file could not be\n"
    "           written\n"
    "  2        a command-line error (unknown option, setting or spider argument, bad value)\n"
    "  128+N    stopped by signal N (130 after Ctrl-C, 143 after SIGTERM)\n";

std::string programName(int argc, char** argv) {
    if (argc < 1 || !argv[0])
        return "crawler";
    std::string_view path = argv[0];
    std::size_t slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string spiderNames(const std::vector<SpiderDefinition>& spiders) {
    std::string names;
    for (const SpiderDefinition& definition : spiders) {
        names += (names.empty() ? "" : ", ") + definition.name;
    }
    return names;
}

std::string programHelp(const std::string& program, const std::vector<SpiderDefinition>& spiders) {
    std::string out = "Usage: " + program + " SPIDER [options]\n\nSpiders:\n";
    for (const SpiderDefinition& definition : spiders) {
        out += "  " + definition.name + "\n";
    }
    out += "\nRun '" + program +
           " SPIDER --help' for a spider's arguments, the options and the "
           "settings.\n";
    out += kHelpNotes;
    return out;
}

bool isHelpOrVersion(std::string_view argument) {
    return argument == "-h" || argument == "--help" || argument == "--version";
}

bool writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    return static_cast<bool>(out);
}

} // namespace

int crawlerMain(std::vector<SpiderDefinition> spiders, int argc, char** argv) {
    // First thing, before anything touches libxml2 (selectors/libxml_memory.h). Should it
    // fail, libxml2 keeps malloc: slower, not wrong.
    (void)installLibxmlAllocator();
    std::string program = programName(argc, argv);
    std::vector<std::string_view> arguments;
    for (int i = 1; i < argc; ++i)
        arguments.emplace_back(argv[i]);

    if (spiders.empty()) {
        std::cerr << program << ": error: this program defines no spider\n";
        return kExitUsage;
    }

    // Pick the spider: its name comes first (`scrapy crawl NAME`), optional when there is
    // only one.
    const SpiderDefinition* definition = nullptr;
    auto named = [&](std::string_view name) -> const SpiderDefinition* {
        for (const SpiderDefinition& d : spiders) {
            if (d.name == name)
                return &d;
        }
        return nullptr;
    };
    if (!arguments.empty() && !arguments[0].empty() && arguments[0][0] != '-') {
        definition = named(arguments[0]);
        if (!definition && spiders.size() > 1) {
            std::cerr << program << ": error: no spider named '" << arguments[0]
                      << "' (this program has: " << spiderNames(spiders) << ")\n";
            return kExitUsage;
        }
        if (definition)
            arguments.erase(arguments.begin());
    }
    if (!definition) {
        if (spiders.size() == 1) {
            definition = &spiders.front();
        } else if (!arguments.empty() && isHelpOrVersion(arguments[0])) {
            if (arguments[0] == "--version") {
                std::cout << program << " " << runtimeVersion() << "\n";
            } else {
                std::cout << programHelp(program, spiders);
            }
            return kExitOk;
        } else {
            std::cerr << program
                      << ": error: name the spider to run first (one of: " << spiderNames(spiders)
                      << ")\nTry '" << program << " --help' for more information.\n";
            return kExitUsage;
        }
    }

    Settings settings;
    CommandLineSpec spec;
    spec.program = spiders.size() > 1 ? program + " " + definition->name : program;
    spec.spiderName = definition->name;
    spec.version = std::string(runtimeVersion());
    spec.arguments = definition->arguments;
    CommandLineResult commandLine = parseCommandLine(arguments, spec, settings);
    switch (commandLine.action) {
    case CommandLineResult::Action::Help:
        std::cout << commandLine.output << kHelpNotes;
        return commandLine.exitCode;
    case CommandLineResult::Action::Version:
        std::cout << commandLine.output;
        return commandLine.exitCode;
    case CommandLineResult::Action::Error:
        std::cerr << commandLine.output;
        return commandLine.exitCode;
    case CommandLineResult::Action::Run:
        break;
    }

    std::unique_ptr<Spider> spider;
    try {
        spider = definition->make(commandLine.spiderArguments);
        spider->configure(settings);
    } catch (const SpiderArgumentError& error) {
        std::cerr << spec.program << ": error: " << error.what() << "\nTry '" << spec.program
                  << " --help' for more information.\n";
        return kExitUsage;
    } catch (const std::exception& error) {
        std::cerr << spec.program << ": error: the spider '" << definition->name
                  << "' failed to start: " << error.what() << "\n";
        return kExitFailed;
    }
    if (std::vector<std::string> problems = settings.validate(); !problems.empty()) {
        for (const std::string& problem : problems) {
            std::cerr << spec.program << ": error: " << problem << "\n";
        }
        return kExitUsage;
    }

    LoggerOptions logOptions;
    logOptions.level = parseLogLevel(settings.log_level).value_or(LogLevel::Debug);
    Logger logger(stderrLogSink(), logOptions);

    int exitCode = kExitOk;
    try {
        Reactor reactor;
        // Blocked (and so routed to the reactor's signalfd) before libcurl can start a
        // resolver thread, which inherits this thread's signal mask.
        int signals = 0;
        int lastSignal = 0;
        Crawler* running = nullptr;
        auto onSignal = [&](int signo) {
            ++signals;
            lastSignal = signo;
            if (!running)
                return;
            std::string name = signo == SIGINT ? "SIGINT" : "SIGTERM";
            if (signals == 1) {
                logger.info("spider.crawler", "Received " + name +
                                                  ", shutting down gracefully. Send again to "
                                                  "force");
                running->engine().closeSpider("shutdown");
            } else {
                logger.info("spider.crawler",
                            "Received " + name + " twice, forcing unclean shutdown");
                running->engine().abort();
            }
        };
        reactor.onSignal(SIGINT, [&] { onSignal(SIGINT); });
        reactor.onSignal(SIGTERM, [&] { onSignal(SIGTERM); });

        CrawlerOptions options;
        options.feeds = commandLine.feeds;
        Crawler crawler(reactor, *spider, settings, logger, std::move(options));
        if (!crawler.openFeeds().empty()) {
            return kExitFailed;
        }
        running = &crawler;
        std::string reason = runUntilComplete(reactor, crawler.crawl());
        running = nullptr;

        if (commandLine.statsJsonPath &&
            !writeFile(*commandLine.statsJsonPath, crawler.stats().toJsonText() + "\n")) {
            logger.error("spider.crawler",
                         "Could not write the stats to " + *commandLine.statsJsonPath);
            exitCode = kExitFailed;
        }
        if (crawler.feedsFailed()) {
            exitCode = kExitFailed;
        }
        if (reason == "shutdown") {
            exitCode = kExitSignalBase + (lastSignal ? lastSignal : SIGINT);
        } else if (reason != "finished" && reason.rfind("closespider_", 0) != 0 &&
                   exitCode == kExitOk) {
            exitCode = kExitFailed;
        }
    } catch (const std::exception& error) {
        logger.error("spider.crawler", std::string("The crawl failed: ") + error.what());
        return kExitFailed;
    }
    return exitCode;
}

} // namespace spider
