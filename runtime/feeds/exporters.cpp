#include "feeds/exporters.h"

#include "data/python_format.h"
#include "data/utf8.h"

namespace spider {

namespace {

// The item restricted to `fields` (in that order) when given, else the item itself.
Value selectFields(const Item& item, const std::vector<std::string>& fields) {
    if (fields.empty()) return Value(item.fields());
    ValueMap selected;
    selected.reserve(fields.size());
    for (const auto& name : fields) {
        if (const Value* value = item.get(name)) selected.set(name, *value);
    }
    return Value(std::move(selected));
}

class JsonLinesExporter : public ItemExporter {
public:
    explicit JsonLinesExporter(ExporterOptions options) : options_(std::move(options)) {}
    void exportItem(const Item& item, std::string& out) override {
        if (options_.fields.empty()) {
            appendItemJson(item, out);
        } else {
            appendJson(out, selectFields(item, options_.fields), options_.json);
        }
        out += '\n';
    }

protected:
    void appendItemJson(const Item& item, std::string& out) const {
        // The item's map is serialised directly, without copying it into a Value.
        out += '{';
        bool first = true;
        for (const auto& [key, value] : item.fields()) {
            if (!first) out += options_.json.spaced ? ", " : ",";
            first = false;
            appendJsonString(out, key, options_.json.ensureAscii);
            out += options_.json.spaced ? ": " : ":";
            appendJson(out, value, options_.json);
        }
        out += '}';
    }

    ExporterOptions options_;
};

class JsonExporter : public JsonLinesExporter {
public:
    explicit JsonExporter(ExporterOptions options)
        : JsonLinesExporter(std::move(options)),
          first_(!(options_.jsonContinuesArray && options_.jsonArrayHasItems)) {}
    void start(std::string& out) override {
        if (!options_.jsonContinuesArray) out += "[\n";
    }
    void exportItem(const Item& item, std::string& out) override {
        if (!first_) out += ",\n";
        first_ = false;
        if (options_.fields.empty()) {
            appendItemJson(item, out);
        } else {
            appendJson(out, selectFields(item, options_.fields), options_.json);
        }
    }
    void finish(std::string& out) override { out += first_ ? "]\n" : "\n]\n"; }

private:
    bool first_;
};

class CsvExporter : public ItemExporter {
public:
    explicit CsvExporter(ExporterOptions options) : options_(std::move(options)) {}
    void exportItem(const Item& item, std::string& out) override {
        if (!headerDone_) {
            headerDone_ = true;
            if (options_.fields.empty()) options_.fields = item.fieldNames();
            if (options_.csvHeader) {
                out += csvRow(options_.fields);
                out += "\r\n";
            }
        }
        std::vector<std::string> cells;
        cells.reserve(options_.fields.size());
        for (const auto& name : options_.fields) {
            const Value* value = item.get(name);
            cells.push_back(value ? csvCell(*value) : std::string());
        }
        out += csvRow(cells);
        out += "\r\n";
    }

private:
    ExporterOptions options_;
    bool headerDone_ = false;
};

}  // namespace

std::unique_ptr<ItemExporter> makeExporter(FeedFormat format, ExporterOptions options) {
    switch (format) {
        case FeedFormat::JsonLines: return std::make_unique<JsonLinesExporter>(std::move(options));
        case FeedFormat::Json: return std::make_unique<JsonExporter>(std::move(options));
        case FeedFormat::Csv: return std::make_unique<CsvExporter>(std::move(options));
    }
    return nullptr;
}

std::string csvRow(const std::vector<std::string>& cells) {
    // Python's csv writes a lone empty field as "" so the row is not an empty line.
    if (cells.size() == 1 && cells[0].empty()) return "\"\"";
    std::string out;
    bool first = true;
    for (const auto& raw : cells) {
        if (!first) out += ',';
        first = false;
        std::string cell = detail::sanitizeUtf8(raw);
        if (cell.find_first_of(",\"\r\n") == std::string::npos) {
            out += cell;
            continue;
        }
        out += '"';
        for (char c : cell) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    }
    return out;
}

std::string csvCell(const Value& value) {
    if (value.isNone()) return {};
    if (const ValueList* list = value.getList()) {
        bool allStrings = true;
        for (const Value& element : *list) allStrings = allStrings && element.isString();
        if (allStrings) {
            std::string joined;
            for (std::size_t i = 0; i < list->size(); ++i) {
                if (i) joined += ',';
                joined += (*list)[i].asString();
            }
            return joined;
        }
    }
    return pythonStr(value);
}

std::vector<std::string> parseCsvRecord(std::string_view text) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells.push_back(std::move(cell));
            cell.clear();
        } else if (c == '\r' || c == '\n') {
            break;
        } else {
            cell += c;
        }
    }
    if (!cells.empty() || !cell.empty() || i > 0) cells.push_back(std::move(cell));
    return cells;
}

}  // namespace spider
