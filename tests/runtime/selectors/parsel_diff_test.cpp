// Differential test against parsel: every query of parsel_selectors.txt on every page of
// corpus/, computed live by parsel (parsel_reference.py under /usr/bin/python3) and by
// spider::Selector; the results must be identical.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "selectors/query_cache.h"
#include "selectors/selector.h"

namespace {

namespace fs = std::filesystem;

const fs::path kTestDir = SPIDER_SELECTORS_TEST_DIR;
const char* const kPython = "/usr/bin/python3";
constexpr std::string_view kSeparator = " |> ";

struct Query {
    int line = 0;
    std::string kind;
    std::string query;
    std::string op;
    std::string arg;
};

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) FAIL("cannot read " << path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Same parsing as parsel_reference.py's read_queries().
std::vector<Query> readQueries(const fs::path& path) {
    std::vector<Query> queries;
    std::istringstream in(readFile(path));
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::size_t first = line.find_first_not_of(" \t\r\f\v");
        if (first == std::string::npos || line[first] == '#') continue;
        Query q;
        q.line = number;
        std::size_t space = line.find(' ');
        q.kind = line.substr(0, space);
        std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
        std::size_t sep = rest.find(kSeparator);
        q.query = rest.substr(0, sep);
        std::string opAndArg = sep == std::string::npos ? "" : rest.substr(sep + kSeparator.size());
        std::size_t opEnd = opAndArg.find(' ');
        q.op = opAndArg.substr(0, opEnd);
        q.arg = opEnd == std::string::npos ? "" : opAndArg.substr(opEnd + 1);
        if (q.op.empty()) q.op = "getall";
        queries.push_back(std::move(q));
    }
    return queries;
}

// ---- json.dumps(..., sort_keys=True) with Python's default ASCII-only escaping

void appendHex4(std::string& out, std::uint32_t unit) {
    static const char* const kDigits = "0123456789abcdef";
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(unit >> shift) & 0xF];
}

std::string jsonString(std::string_view s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = c;
        std::size_t len = 1;
        if (c >= 0x80) {
            len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (len == 1 || i + len > s.size()) {
                cp = 0xFFFD;  // not UTF-8: cannot match anything Python printed
                len = 1;
            } else {
                cp = c & (0xFF >> (len + 1));
                for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
            }
        }
        i += len;
        switch (cp) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        case '\b': out += "\\b"; continue;
        case '\f': out += "\\f"; continue;
        default: break;
        }
        if (cp >= 0x20 && cp < 0x7F) {
            out += static_cast<char>(cp);
        } else if (cp < 0x10000) {
            appendHex4(out, cp);
        } else {
            cp -= 0x10000;
            appendHex4(out, 0xD800 + (cp >> 10));
            appendHex4(out, 0xDC00 + (cp & 0x3FF));
        }
    }
    return out + "\"";
}

std::string json(const std::optional<std::string>& s) { return s ? jsonString(*s) : "null"; }

std::string json(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + jsonString(items[i]);
    return out + "]";
}

std::string json(const std::vector<std::optional<std::string>>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + json(items[i]);
    return out + "]";
}

std::string json(const std::map<std::string, std::string>& attrib) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, value] : attrib) {
        out += (first ? "" : ", ") + jsonString(key) + ": " + jsonString(value);
        first = false;
    }
    return out + "}";
}

std::string runQuery(const spider::Selector& root, const Query& q) {
    const spider::SelectorList result = q.kind == "css" ? root.css(q.query) : root.xpath(q.query);
    if (q.kind != "css" && q.kind != "xpath") FAIL("line " << q.line << ": unknown kind " << q.kind);
    if (q.op == "getall") return json(result.getall());
    if (q.op == "get") return json(result.get());
    if (q.op == "re") return json(result.re(q.arg));
    if (q.op == "re-keep") return json(result.re(q.arg, spider::Entities::Keep));
    if (q.op == "re_first") return json(result.reFirst(q.arg));
    if (q.op == "attrib") {
        std::string out = "[";
        for (std::size_t i = 0; i < result.size(); ++i) out += (i ? ", " : "") + json(result[i].attrib());
        return out + "]";
    }
    if (q.op == "css") return json(result.css(q.arg).getall());
    if (q.op == "xpath") return json(result.xpath(q.arg).getall());
    if (q.op == "each-css" || q.op == "each-xpath") {
        std::vector<std::optional<std::string>> out;
        for (const spider::Selector& item : result) {
            out.push_back(q.op == "each-css" ? item.css(q.arg).get() : item.xpath(q.arg).get());
        }
        return json(out);
    }
    FAIL("line " << q.line << ": unknown operation " << q.op);
    return {};
}

std::string ourResult(const spider::Selector& root, const Query& q) {
    try {
        return "{\"r\": " + runQuery(root, q) + "}";
    } catch (const spider::SelectorError&) {
        return "{\"error\": true}";
    }
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

struct TempFile {
    fs::path path;
    TempFile() {
        std::string pattern = (fs::temp_directory_path() / "parsel_diff_XXXXXX").string();
        int fd = mkstemp(pattern.data());
        if (fd < 0) FAIL("mkstemp failed");
        close(fd);
        path = pattern;
    }
    ~TempFile() {
        std::error_code ignored;
        fs::remove(path, ignored);
    }
};

// Runs parsel_reference.py; returns "page\tline" -> JSON. Fails the test (never skips)
// when Debian's python3 or parsel is missing.
std::map<std::string, std::string> parselResults(const fs::path& queries, const std::vector<fs::path>& pages) {
    if (access(kPython, X_OK) != 0) {
        FAIL(kPython << " is missing: install Debian's python3 and python3-parsel "
                        "(scripts/lib/deps.sh does)");
    }
    TempFile out;
    TempFile err;
    std::string command = std::string(kPython) + " " + shellQuote((kTestDir / "parsel_reference.py").string()) +
                          " " + shellQuote(queries.string());
    for (const fs::path& page : pages) command += " " + shellQuote(page.string());
    command += " > " + shellQuote(out.path.string()) + " 2> " + shellQuote(err.path.string());
    const int status = std::system(command.c_str());
    if (status != 0) {
        FAIL("parsel reference script failed (status " << status << "): " << readFile(err.path)
                                                         << "\ncommand: " << command);
    }
    std::map<std::string, std::string> results;
    std::istringstream in(readFile(out.path));
    std::string line;
    while (std::getline(in, line)) {
        std::size_t tab1 = line.find('\t');
        std::size_t tab2 = line.find('\t', tab1 + 1);
        if (tab1 == std::string::npos || tab2 == std::string::npos) FAIL("bad reference line: " << line);
        results[line.substr(0, tab2)] = line.substr(tab2 + 1);
    }
    return results;
}

}  // namespace

TEST_CASE("every query on every corpus page gives parsel's result exactly", "[selectors][parsel]") {
    const fs::path queriesPath = kTestDir / "parsel_selectors.txt";
    const std::vector<Query> queries = readQueries(queriesPath);
    REQUIRE(queries.size() >= 150);
    const auto countKind = [&](const char* kind) {
        return std::count_if(queries.begin(), queries.end(), [&](const Query& q) { return q.kind == kind; });
    };
    REQUIRE(countKind("css") >= 50);
    REQUIRE(countKind("xpath") >= 50);

    std::vector<fs::path> pages;
    for (const auto& entry : fs::directory_iterator(kTestDir / "corpus")) pages.push_back(entry.path());
    std::sort(pages.begin(), pages.end());
    REQUIRE(pages.size() >= 5);

    const std::map<std::string, std::string> expected = parselResults(queriesPath, pages);
    REQUIRE(expected.size() == queries.size() * pages.size());

    auto cache = std::make_shared<spider::QueryCache>();
    std::vector<std::string> mismatches;
    std::size_t compared = 0;
    for (const fs::path& page : pages) {
        spider::ParseOptions options;
        if (page.extension() == ".xml") options.type = spider::DocumentType::Xml;
        const spider::Selector root = spider::Selector::fromText(readFile(page), options, cache);
        const std::string name = page.filename().string();
        for (const Query& q : queries) {
            const std::string key = name + "\t" + std::to_string(q.line);
            auto it = expected.find(key);
            if (it == expected.end()) FAIL("parsel gave no result for " << key);
            const std::string ours = ourResult(root, q);
            ++compared;
            if (ours != it->second) {
                mismatches.push_back(name + ":" + std::to_string(q.line) + "  " + q.kind + " " + q.query +
                                     (q.op == "getall" ? "" : " |> " + q.op + " " + q.arg) +
                                     "\n    parsel: " + it->second + "\n    spider: " + ours);
            }
        }
    }
    std::string report;
    for (std::size_t i = 0; i < mismatches.size() && i < 40; ++i) report += mismatches[i] + "\n";
    INFO(mismatches.size() << " of " << compared << " results differ:\n" << report);
    CHECK(mismatches.empty());
}
