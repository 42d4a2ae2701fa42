#include "feeds/feed.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/log.h"
#include "engine/stats.h"

namespace spider {

namespace {

constexpr std::size_t kBufferLimit = 64 * 1024;

std::string toLower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads up to `length` bytes at `offset`; empty on error.
std::string readAt(int fd, off_t offset, std::size_t length) {
    std::string out(length, '\0');
    ssize_t n;
    do {
        n = ::pread(fd, out.data(), length, offset);
    } while (n < 0 && errno == EINTR);
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

}  // namespace

std::string_view feedFormatName(FeedFormat format) {
    switch (format) {
        case FeedFormat::JsonLines: return "jsonlines";
        case FeedFormat::Json: return "json";
        case FeedFormat::Csv: return "csv";
    }
    return "?";
}

std::optional<FeedFormat> feedFormatFromName(std::string_view name) {
    std::string lower = toLower(name);
    if (lower == "jsonlines" || lower == "jl" || lower == "jsonl") return FeedFormat::JsonLines;
    if (lower == "json") return FeedFormat::Json;
    if (lower == "csv") return FeedFormat::Csv;
    return std::nullopt;
}

std::optional<FeedFormat> feedFormatFromPath(std::string_view path) {
    std::size_t slash = path.rfind('/');
    std::size_t dot = path.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
        return std::nullopt;
    }
    return feedFormatFromName(path.substr(dot + 1));
}

FeedSpecResult parseFeedArgument(std::string_view argument, bool overwrite) {
    FeedSpecResult result;
    if (argument.empty()) {
        result.error = "a feed needs a file name (or - for stdout)";
        return result;
    }
    FeedSpec spec;
    spec.overwrite = overwrite;
    std::string_view path = argument;
    std::size_t colon = argument.rfind(':');
    if (colon != std::string_view::npos && colon > 0) {
        std::string_view suffix = argument.substr(colon + 1);
        bool looksLikeFormat = !suffix.empty() && suffix.find('/') == std::string_view::npos &&
                               suffix.find('.') == std::string_view::npos;
        if (looksLikeFormat) {
            auto format = feedFormatFromName(suffix);
            if (!format) {
                result.error = "unknown feed format '" + std::string(suffix) +
                               "' in '" + std::string(argument) + "' (known: jsonlines, jl, json, csv)";
                return result;
            }
            spec.format = *format;
            path = argument.substr(0, colon);
            spec.target = std::string(path);
            result.spec = std::move(spec);
            return result;
        }
    }
    spec.target = std::string(path);
    spec.format = feedFormatFromPath(path).value_or(FeedFormat::JsonLines);
    result.spec = std::move(spec);
    return result;
}

std::optional<bool> feedEnsureAsciiFor(std::string_view encoding) {
    std::string lower = toLower(encoding);
    if (lower == "utf-8" || lower == "utf8") return false;
    if (lower.empty() || lower == "ascii") return true;
    return std::nullopt;
}

Feed::Feed(FeedSpec spec, FeedOptions options)
    : spec_(std::move(spec)), options_(std::move(options)) {}

Feed::~Feed() {
    if (opened_ && !closed_) (void)close();
}

std::string Feed::describe() const { return spec_.target == "-" ? "stdout" : spec_.target; }

std::optional<std::string> Feed::fail(std::string what, int errnoValue) {
    if (error_.empty()) {
        error_ = "feed " + describe() + ": " + what;
        if (errnoValue != 0) error_ += std::string(": ") + std::strerror(errnoValue);
    }
    return error_;
}

std::optional<std::string> Feed::writeAll(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("write failed", errno);
        }
        if (n == 0) return fail("write failed: no progress", 0);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return std::nullopt;
}

// Positions an append so the feed stays one valid document (see feed.h).
std::optional<std::string> Feed::prepareAppend(ExporterOptions& exporterOptions) {
    struct stat info {};
    if (::fstat(fd_, &info) != 0) return fail("cannot stat", errno);
    if (!S_ISREG(info.st_mode) || info.st_size == 0) return std::nullopt;
    off_t size = info.st_size;

    if (spec_.format == FeedFormat::Json) {
        std::string head = readAt(fd_, 0, 64);
        std::size_t first = 0;
        while (first < head.size() && isSpace(head[first])) ++first;
        if (first == head.size() || head[first] != '[') {
            return fail("cannot append: the file does not hold a JSON array", 0);
        }
        off_t tailStart = size > 4096 ? size - 4096 : 0;
        std::string tail = readAt(fd_, tailStart, static_cast<std::size_t>(size - tailStart));
        std::size_t end = tail.size();
        while (end > 0 && isSpace(tail[end - 1])) --end;
        off_t keep = tailStart + static_cast<off_t>(end);
        if (end > 0 && tail[end - 1] == ']') {
            --end;
            while (end > 0 && isSpace(tail[end - 1])) --end;
            keep = tailStart + static_cast<off_t>(end);
        }
        // An array with no item yet ends in its "[" once the "]" is gone.
        bool hasItems = !(end > 0 && tail[end - 1] == '[' && tailStart + static_cast<off_t>(end) ==
                                                                  static_cast<off_t>(first) + 1);
        if (::ftruncate(fd_, keep) != 0) return fail("cannot truncate for append", errno);
        exporterOptions.jsonContinuesArray = true;
        exporterOptions.jsonArrayHasItems = hasItems;
    } else if (spec_.format == FeedFormat::Csv) {
        std::string head = readAt(fd_, 0, 65536);
        std::size_t lineEnd = head.find_first_of("\r\n");
        if (lineEnd != std::string::npos || head.size() < 65536) {
            if (exporterOptions.fields.empty()) exporterOptions.fields = parseCsvRecord(head);
            exporterOptions.csvHeader = false;
        }
    }
    if (::lseek(fd_, 0, SEEK_END) < 0) return fail("cannot seek", errno);
    return std::nullopt;
}

std::optional<std::string> Feed::open() {
    if (opened_) return failed() ? std::optional<std::string>(error_) : std::nullopt;
    opened_ = true;
    ExporterOptions exporterOptions = options_.exporter;
    if (spec_.target == "-") {
        fd_ = STDOUT_FILENO;
        isStdout_ = true;
    } else {
        int flags = O_CREAT | O_CLOEXEC | (spec_.overwrite ? O_WRONLY | O_TRUNC : O_RDWR);
        do {
            fd_ = ::open(spec_.target.c_str(), flags, 0666);
        } while (fd_ < 0 && errno == EINTR);
        if (fd_ < 0) return fail("cannot open", errno);
        if (!spec_.overwrite) {
            if (auto error = prepareAppend(exporterOptions)) return error;
        }
    }
    exporter_ = makeExporter(spec_.format, std::move(exporterOptions));
    exporter_->start(buffer_);
    return flush();
}

std::optional<std::string> Feed::exportItem(const Item& item) {
    if (failed()) return error_;
    if (!opened_ || closed_) return fail("not open", 0);
    exporter_->exportItem(item, buffer_);
    ++itemCount_;
    if (options_.flushEveryItem || buffer_.size() >= kBufferLimit) return flush();
    return std::nullopt;
}

std::optional<std::string> Feed::flush() {
    if (failed()) return error_;
    if (buffer_.empty()) return std::nullopt;
    auto error = writeAll(buffer_);
    buffer_.clear();
    return error;
}

std::optional<std::string> Feed::close() {
    if (closed_ || !opened_) {
        closed_ = true;
        return failed() ? std::optional<std::string>(error_) : std::nullopt;
    }
    closed_ = true;
    if (!failed()) {
        exporter_->finish(buffer_);
        (void)flush();
    }
    if (!isStdout_ && fd_ >= 0) {
        struct stat info {};
        bool regular = ::fstat(fd_, &info) == 0 && S_ISREG(info.st_mode);
        if (!failed() && options_.fsyncOnClose && regular && ::fsync(fd_) != 0) {
            fail("fsync failed", errno);
        }
        if (::close(fd_) != 0 && errno != EINTR) fail("close failed", errno);
        fd_ = -1;
    }
    return failed() ? std::optional<std::string>(error_) : std::nullopt;
}

FeedExports::FeedExports(std::vector<FeedSpec> specs, FeedOptions options, StatsCollector& stats,
                         Logger* logger, std::string logName)
    : stats_(stats), logger_(logger), logName_(std::move(logName)) {
    for (auto& spec : specs) feeds_.push_back(std::make_unique<Feed>(std::move(spec), options));
}

std::vector<std::string> FeedExports::report(std::vector<std::string> errors) {
    for (const auto& error : errors) {
        stats_.inc("feedexport/write_error_count");
        if (logger_) logger_->error(logName_, error);
    }
    return errors;
}

std::vector<std::string> FeedExports::open() {
    std::vector<std::string> errors;
    for (auto& feed : feeds_) {
        if (auto error = feed->open()) errors.push_back(*error);
    }
    if (logger_) {
        for (const auto& error : errors) logger_->error(logName_, error);
    }
    return errors;
}

std::vector<std::string> FeedExports::exportItem(const Item& item) {
    std::vector<std::string> errors;
    for (auto& feed : feeds_) {
        // A failed feed reported its error once; the others keep going.
        if (feed->failed()) continue;
        if (auto error = feed->exportItem(item)) errors.push_back(*error);
    }
    return report(std::move(errors));
}

std::vector<std::string> FeedExports::flush() {
    std::vector<std::string> errors;
    for (auto& feed : feeds_) {
        if (feed->failed()) continue;
        if (auto error = feed->flush()) errors.push_back(*error);
    }
    return report(std::move(errors));
}

std::vector<std::string> FeedExports::close() {
    std::vector<std::string> errors;
    for (auto& feed : feeds_) {
        bool wasFailed = feed->failed();
        auto error = feed->close();
        std::string storage = feed->spec().target == "-" ? "StdoutFeedStorage" : "FileFeedStorage";
        if (error) {
            stats_.inc("feedexport/failed_count/" + storage);
            if (!wasFailed && logger_) logger_->error(logName_, *error);
            errors.push_back(*error);
        } else {
            stats_.inc("feedexport/success_count/" + storage);
            if (logger_) {
                logger_->info(logName_, "Stored " + std::string(feedFormatName(feed->spec().format)) +
                                            " feed (" + std::to_string(feed->itemCount()) +
                                            " items) in: " + feed->spec().target);
            }
        }
    }
    return errors;
}

bool FeedExports::anyFailed() const {
    for (const auto& feed : feeds_) {
        if (feed->failed()) return true;
    }
    return false;
}

}  // namespace spider
