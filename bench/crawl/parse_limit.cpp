// bench_parse_limit: the parse limit of the quotes crawl. Parses the generated site's pages
// from memory with libxml2 alone (no engine, no HTTP, no Selector objects: from the runtime
// only its libxml2 allocator, its CSS translation and XPath functions) and runs
// samples/quotes.spider's extraction with precompiled XPath, resolving each link against
// the page URL with libxml2's xmlBuildURI. It is
// what a crawler could reach on one core if fetching, scheduling and output cost nothing.
// It is meant as a bar, not a strawman: the runtime's parser options, one XPath context
// for all pages, text read in place. (One parser context reused for all pages, as lxml
// does, measured no faster with libxml2 2.9.14, so each page gets htmlReadMemory's own.)
//
//   bench_parse_limit SITE_DIR [--seconds S] [--base URL] [--parse-only]
//
// Reads SITE_DIR/manifest.json for the page count, loads every page, then parses them all
// in rounds until S seconds of CPU time (default 3) have passed, at least one round. Prints
// a line for people, then a JSON summary as the last line. Exits 1 when a round's counts
// are not the site's (10 quotes per page, 3 tags per quote), so a broken run cannot pass
// for a fast one. --parse-only parses and frees each page without any XPath: the share of
// the limit that is libxml2's HTML parser alone.

#include "selectors/css_to_xpath.h"
#include "selectors/libxml_memory.h"
#include "selectors/query_cache.h"

#include <libxml/HTMLparser.h>
#include <libxml/uri.h>
#include <libxml/xpath.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// quotes.spider's queries. The CSS ones go through the runtime's translator in its
// evaluation form (class tests as spiderc-includes(), which the runtime registers), so the
// limit evaluates exactly the XPath the crawler evaluates.
constexpr const char* kQuoteCss = "div.quote";
constexpr const char* kTextCss = "span.text::text";
constexpr const char* kAuthorXpath = ".//small[@class='author']/text()";
constexpr const char* kTagCss = "a.tag::text";
constexpr const char* kLinkCss = "ul.pager a::attr(href), ul.related a::attr(href)";

// The runtime's parse options (runtime/selectors/html_document.cpp): lxml's HTMLParser
// defaults plus huge_tree, as parsel asks for, with diagnostics off.
constexpr int kParseOptions = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_COMPACT |
                              HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | XML_PARSE_HUGE;

constexpr int kQuotesPerPage = 10;
constexpr int kTagsPerQuote = 3;

struct Page {
    std::string url;
    std::string body;
};

struct Counts {
    long pages = 0;
    long items = 0;
    long tags = 0;
    long links = 0;
    long nullFields = 0;
    std::size_t textBytes = 0;  // keeps the extracted strings observable
};

struct XPathDeleter {
    void operator()(xmlXPathCompExpr* p) const { xmlXPathFreeCompExpr(p); }
};
using CompiledXPath = std::unique_ptr<xmlXPathCompExpr, XPathDeleter>;

struct Queries {
    CompiledXPath quote, text, author, tag, link;
};

CompiledXPath compile(const std::string& expression) {
    CompiledXPath compiled(xmlXPathCompile(reinterpret_cast<const xmlChar*>(expression.c_str())));
    if (!compiled)
        throw std::runtime_error("libxml2 cannot compile XPath: " + expression);
    return compiled;
}

CompiledXPath compileCss(const char* css) {
    return compile(spider::cssToXPath(css, spider::CssDialect::Html, spider::CssOutput::Evaluation));
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

long manifestPages(const std::string& siteDir) {
    std::string manifest = readFile(siteDir + "/manifest.json");
    std::smatch match;
    static const std::regex kPages("\"pages\"\\s*:\\s*([0-9]+)");
    if (!std::regex_search(manifest, match, kPages))
        throw std::runtime_error(siteDir + "/manifest.json has no \"pages\" field");
    return std::stol(match[1].str());
}

// The string value of a text or attribute node, as parsel's .get() returns it: read in
// place when it is one text node (always, on these pages), like the runtime does.
std::string nodeText(xmlNode* node) {
    if (node->type == XML_TEXT_NODE && node->content)
        return reinterpret_cast<const char*>(node->content);
    if (node->type == XML_ATTRIBUTE_NODE) {
        xmlNode* value = node->children;
        if (value && !value->next && value->type == XML_TEXT_NODE && value->content)
            return reinterpret_cast<const char*>(value->content);
    }
    xmlChar* content = xmlNodeGetContent(node);
    std::string out = content ? reinterpret_cast<const char*>(content) : "";
    xmlFree(content);
    return out;
}

struct XPathObjectDeleter {
    void operator()(xmlXPathObject* p) const { xmlXPathFreeObject(p); }
};
using XPathResult = std::unique_ptr<xmlXPathObject, XPathObjectDeleter>;

XPathResult evaluate(const CompiledXPath& query, xmlXPathContext* context, xmlNode* node) {
    context->node = node;
    return XPathResult(xmlXPathCompiledEval(query.get(), context));
}

int nodeCount(const XPathResult& result) {
    return result && result->nodesetval ? result->nodesetval->nodeNr : 0;
}

// First result's text (SelectorList.get()); nullopt-like empty flag through `found`.
std::string firstText(const XPathResult& result, bool& found) {
    found = nodeCount(result) > 0;
    return found ? nodeText(result->nodesetval->nodeTab[0]) : std::string();
}

struct XPathContextDeleter {
    void operator()(xmlXPathContext* p) const { xmlXPathFreeContext(p); }
};
using XPathContext = std::unique_ptr<xmlXPathContext, XPathContextDeleter>;

// `context` is the one XPath context every page is evaluated with (pointed at each page's
// document), as the runtime does: making and freeing one per page costs more than an
// XPath query.
void parsePage(const Page& page, const Queries& queries, xmlXPathContext* context,
               bool parseOnly, Counts& counts) {
    htmlDocPtr doc = htmlReadMemory(page.body.data(), static_cast<int>(page.body.size()),
                                    page.url.c_str(), "UTF-8", kParseOptions);
    if (!doc)
        throw std::runtime_error("libxml2 could not parse " + page.url);
    if (parseOnly) {
        counts.pages += 1;
        xmlFreeDoc(doc);
        return;
    }
    context->doc = doc;
    xmlNode* root = reinterpret_cast<xmlNode*>(doc);

    XPathResult quotes = evaluate(queries.quote, context, root);
    for (int i = 0; i < nodeCount(quotes); ++i) {
        xmlNode* quote = quotes->nodesetval->nodeTab[i];
        bool found = false;
        std::string text = firstText(evaluate(queries.text, context, quote), found);
        counts.nullFields += found ? 0 : 1;
        std::string author = firstText(evaluate(queries.author, context, quote), found);
        counts.nullFields += found ? 0 : 1;
        XPathResult tags = evaluate(queries.tag, context, quote);
        std::vector<std::string> tagTexts;
        for (int t = 0; t < nodeCount(tags); ++t)
            tagTexts.push_back(nodeText(tags->nodesetval->nodeTab[t]));
        counts.items += 1;
        counts.tags += static_cast<long>(tagTexts.size());
        counts.textBytes += text.size() + author.size() + page.url.size();
    }

    XPathResult links = evaluate(queries.link, context, root);
    for (int i = 0; i < nodeCount(links); ++i) {
        std::string href = nodeText(links->nodesetval->nodeTab[i]);
        xmlChar* absolute = xmlBuildURI(reinterpret_cast<const xmlChar*>(href.c_str()),
                                        reinterpret_cast<const xmlChar*>(page.url.c_str()));
        if (absolute) {
            counts.textBytes += std::strlen(reinterpret_cast<const char*>(absolute));
            xmlFree(absolute);
        }
        counts.links += 1;
    }
    counts.pages += 1;
    xmlFreeDoc(doc);
}

double cpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wallSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int usage(const char* program) {
    std::fprintf(stderr, "usage: %s SITE_DIR [--seconds S] [--base URL] [--parse-only]\n",
                 program);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2)
        return usage(argv[0]);
    std::string siteDir = argv[1];
    double budget = 3.0;
    std::string base = "http://127.0.0.1:8089";
    bool parseOnly = false;
    for (int i = 2; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--seconds" && i + 1 < argc) {
            char* end = nullptr;
            budget = std::strtod(argv[++i], &end);
            if (*end != '\0' || budget < 0)
                return usage(argv[0]);
        } else if (arg == "--base" && i + 1 < argc) {
            base = argv[++i];
        } else if (arg == "--parse-only") {
            parseOnly = true;
        } else {
            return usage(argv[0]);
        }
    }

    try {
        // The runtime's allocator for libxml2, as every crawler installs it (crawlerMain).
        if (!spider::installLibxmlAllocator())
            throw std::runtime_error("cannot install the runtime's libxml2 allocator");
        xmlInitParser();
        long pageCount = manifestPages(siteDir);
        std::vector<Page> pages;
        std::size_t totalBytes = 0;
        pages.reserve(static_cast<std::size_t>(pageCount));
        for (long k = 0; k < pageCount; ++k) {
            std::string path = "/p/" + std::to_string(k) + ".html";
            pages.push_back({base + path, readFile(siteDir + path)});
            totalBytes += pages.back().body.size();
        }
        Queries queries{compileCss(kQuoteCss), compileCss(kTextCss), compile(kAuthorXpath),
                        compileCss(kTagCss), compileCss(kLinkCss)};
        XPathContext context(xmlXPathNewContext(nullptr));
        if (!context)
            throw std::runtime_error("libxml2 cannot allocate an XPath context");
        // libxml2's XPath object cache and the runtime's XPath functions, as QueryCache has.
        xmlXPathContextSetCache(context.get(), 1, -1, 0);
        spider::registerXPathExtensions(context.get());

        Counts total;
        long rounds = 0;
        double cpuStart = cpuSeconds();
        double wallStart = wallSeconds();
        do {
            Counts round;
            for (const Page& page : pages)
                parsePage(page, queries, context.get(), parseOnly, round);
            if (!parseOnly && (round.items != pageCount * kQuotesPerPage ||
                               round.tags != round.items * kTagsPerQuote ||
                               round.nullFields != 0)) {
                std::fprintf(stderr,
                             "bench_parse_limit: wrong extraction: %ld items, %ld tags, %ld "
                             "missing fields over %ld pages (expected %ld items, 3 tags each)\n",
                             round.items, round.tags, round.nullFields, pageCount,
                             pageCount * kQuotesPerPage);
                return 1;
            }
            total.pages += round.pages;
            total.items += round.items;
            total.links += round.links;
            total.textBytes += round.textBytes;
            ++rounds;
        } while (cpuSeconds() - cpuStart < budget);
        double cpu = cpuSeconds() - cpuStart;
        double wall = wallSeconds() - wallStart;
        double perCpu = static_cast<double>(total.pages) / cpu;
        double perWall = static_cast<double>(total.pages) / wall;

        std::printf("%s: %ld pages x %ld rounds, %.0f pages/CPU-s (%.0f pages/s wall), "
                    "mean page %zu bytes, %ld items and %ld links per round\n",
                    parseOnly ? "parse only" : "parse limit", pageCount, rounds, perCpu, perWall,
                    totalBytes / static_cast<std::size_t>(pageCount), total.items / rounds,
                    total.links / rounds);
        std::printf("{\"bench\": \"%s\", \"pages\": %ld, \"rounds\": %ld, "
                    "\"cpu_seconds\": %.3f, \"wall_seconds\": %.3f, "
                    "\"pages_per_cpu_second\": %.1f, \"pages_per_second\": %.1f, "
                    "\"items_per_round\": %ld, \"links_per_round\": %ld, "
                    "\"extracted_bytes\": %zu}\n",
                    parseOnly ? "parse_only" : "parse_limit", pageCount, rounds, cpu, wall, perCpu,
                    perWall, total.items / rounds,
                    total.links / rounds, total.textBytes);
        context.reset();
        xmlCleanupParser();
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench_parse_limit: %s\n", error.what());
        return 1;
    }
}
