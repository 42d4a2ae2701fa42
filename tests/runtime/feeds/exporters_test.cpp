#include <catch2/catch.hpp>

#include "data/json.h"
#include "feeds/exporters.h"
#include "fixtures/python_oracle.h"

using spider::FeedFormat;
using spider::Item;
using spider::Value;
using spider::ValueList;
using spider::ValueMap;

namespace {

std::string exportAll(FeedFormat format, const std::vector<Item>& items,
                      spider::ExporterOptions options = {}) {
    auto exporter = spider::makeExporter(format, std::move(options));
    std::string out;
    exporter->start(out);
    for (const auto& item : items) exporter->exportItem(item, out);
    exporter->finish(out);
    return out;
}

std::vector<Item> sampleItems() {
    return {
        Item(ValueMap{{"text", "\xe2\x80\x9cThe world\xe2\x80\x9d, said \"he\""},
                      {"author", "Albert Einstein"},
                      {"tags", ValueList{"change", "deep-thoughts"}}}),
        Item(ValueMap{{"text", "line one\nline two"}, {"author", Value()}, {"n", 3}}),
        Item(ValueMap{{"author", "Jane"}, {"text", "x,y"}, {"tags", ValueList{}}}),
    };
}

}  // namespace

TEST_CASE("JSON Lines writes one object per line that parses back to the item") {
    auto items = sampleItems();
    std::string out = exportAll(FeedFormat::JsonLines, items);
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < out.size();) {
        std::size_t end = out.find('\n', start);
        REQUIRE(end != std::string::npos);
        lines.push_back(out.substr(start, end - start));
        start = end + 1;
    }
    REQUIRE(lines.size() == items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto parsed = spider::parseJson(lines[i]);
        REQUIRE(parsed);
        CHECK(*parsed.value == Value(items[i].fields()));
    }
    CHECK(lines[2] == R"({"author":"Jane","text":"x,y","tags":[]})");
}

TEST_CASE("the JSON exporter writes one valid array, empty or not") {
    CHECK(exportAll(FeedFormat::Json, {}) == "[\n]\n");
    auto items = sampleItems();
    std::string out = exportAll(FeedFormat::Json, items);
    CHECK(out.rfind("[\n{", 0) == 0);
    CHECK(out.substr(out.size() - 3) == "\n]\n");
    auto parsed = spider::parseJson(out);
    REQUIRE(parsed);
    REQUIRE(parsed.value->asList().size() == 3);
    CHECK(parsed.value->asList()[1] == Value(items[1].fields()));
}

TEST_CASE("the JSON exporter escapes non-ASCII unless told to write UTF-8") {
    Item item(ValueMap{{"t", "caf\xc3\xa9"}});
    CHECK(exportAll(FeedFormat::JsonLines, {item}) == "{\"t\":\"caf\\u00e9\"}\n");
    spider::ExporterOptions utf8;
    utf8.json.ensureAscii = false;
    CHECK(exportAll(FeedFormat::JsonLines, {item}, utf8) == "{\"t\":\"caf\xc3\xa9\"}\n");
}

TEST_CASE("explicit export fields choose and order the JSON fields") {
    spider::ExporterOptions options;
    options.fields = {"text", "missing", "author"};
    Item item(ValueMap{{"author", "A"}, {"tags", ValueList{}}, {"text", "T"}});
    CHECK(exportAll(FeedFormat::JsonLines, {item}, options) == "{\"text\":\"T\",\"author\":\"A\"}\n");
}

TEST_CASE("CSV cells follow Scrapy's conventions") {
    CHECK(spider::csvCell(Value(ValueList{"a", "b c"})) == "a,b c");
    CHECK(spider::csvCell(Value(ValueList{1, "b"})) == "[1, 'b']");
    CHECK(spider::csvCell(Value()) == "");
    CHECK(spider::csvCell(Value(true)) == "True");
    CHECK(spider::csvCell(Value(2.0)) == "2.0");
    CHECK(spider::csvCell(Value(ValueMap{{"k", 1}})) == "{'k': 1}");
    CHECK(spider::csvRow({"plain", "with,comma", "with \"quote\"", "two\nlines", ""}) ==
          "plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",");
    CHECK(spider::csvRow({""}) == "\"\"");
}

TEST_CASE("CSV output is read back by Python's csv module as the same table") {
    auto items = sampleItems();
    items.push_back(Item(ValueMap{{"text", std::string("bad\xff utf8 \xc3\xa9")}, {"author", "\r\n"}}));
    std::string out = exportAll(FeedFormat::Csv, items);
    auto answers = spider::testing::runPythonOracle(R"py(
import csv, io, json
for (text,) in rows():
    answer(json.dumps(list(csv.reader(io.StringIO(text, newline="")))))
)py",
                                                    {{out}});
    REQUIRE(answers[0].value);
    auto table = spider::parseJson(*answers[0].value);
    REQUIRE(table);
    Value expected(ValueList{
        ValueList{"text", "author", "tags"},
        ValueList{"\xe2\x80\x9cThe world\xe2\x80\x9d, said \"he\"", "Albert Einstein",
                  "change,deep-thoughts"},
        ValueList{"line one\nline two", "", ""},
        ValueList{"x,y", "Jane", ""},
        ValueList{"bad\xef\xbf\xbd utf8 \xc3\xa9", "\r\n", ""},
    });
    CHECK(*table.value == expected);
}

TEST_CASE("a typed item's declared fields make the CSV header") {
    auto type = std::make_shared<const spider::ItemType>(
        spider::ItemType{"Quote", {"text", "author", "tags"}});
    Item partial(type, ValueMap{{"author", "A"}});
    CHECK(exportAll(FeedFormat::Csv, {partial}) == "text,author,tags\r\n,A,\r\n");
    spider::ExporterOptions noHeader;
    noHeader.csvHeader = false;
    noHeader.fields = {"author"};
    CHECK(exportAll(FeedFormat::Csv, {partial}, noHeader) == "A\r\n");
}

TEST_CASE("a CSV record is split into cells with quotes undone") {
    CHECK(spider::parseCsvRecord("a,\"b,c\",\"d\"\"e\"\r\nnext") ==
          std::vector<std::string>{"a", "b,c", "d\"e"});
    CHECK(spider::parseCsvRecord("x,") == std::vector<std::string>{"x", ""});
}
