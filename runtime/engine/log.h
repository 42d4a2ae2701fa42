#pragma once

// A small leveled logger with Scrapy's line format:
//   2026-11-22 10:00:00 [quotes] INFO: Spider opened
// (Scrapy's LOG_FORMAT "%(asctime)s [%(name)s] %(levelname)s: %(message)s" with
// LOG_DATEFORMAT "%Y-%m-%d %H:%M:%S"). Not a global: the engine creates one and passes it
// to whatever logs. The sink and the clock are injectable so tests capture lines and fix the
// time. Messages below the level are dropped before any formatting work.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace spider {

class StatsCollector;

enum class LogLevel : std::uint8_t { Debug, Info, Warning, Error, Critical };

// "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL".
std::string_view logLevelName(LogLevel level);
// Case-insensitive; also accepts "WARN". std::nullopt for anything else.
std::optional<LogLevel> parseLogLevel(std::string_view name);

// Receives each formatted line, without a trailing newline.
using LogSink = std::function<void(std::string_view line)>;
using WallClock = std::function<std::chrono::system_clock::time_point()>;

// Writes each line and a newline to stderr.
LogSink stderrLogSink();

struct LoggerOptions {
    LogLevel level = LogLevel::Debug;  // Scrapy's LOG_LEVEL default
    // Timestamps in UTC instead of local time (Python's logging uses local time).
    bool utc = false;
};

class Logger {
public:
    explicit Logger(LogSink sink = stderrLogSink(), LoggerOptions options = {},
                    WallClock clock = [] { return std::chrono::system_clock::now(); });

    LogLevel level() const { return options_.level; }
    void setLevel(LogLevel level) { options_.level = level; }
    bool enabled(LogLevel level) const { return level >= options_.level; }

    // Counts each emitted line in `stats` as log_count/<LEVEL> (Scrapy's LogCounterHandler).
    // nullptr stops counting. The stats must outlive the logger or be detached first.
    void countInto(StatsCollector* stats) { stats_ = stats; }

    // `name` is the bracketed logger name: the spider's name, or a component such as
    // "spider.engine".
    void log(LogLevel level, std::string_view name, std::string_view message);
    void debug(std::string_view name, std::string_view message) {
        log(LogLevel::Debug, name, message);
    }
    void info(std::string_view name, std::string_view message) {
        log(LogLevel::Info, name, message);
    }
    void warning(std::string_view name, std::string_view message) {
        log(LogLevel::Warning, name, message);
    }
    void error(std::string_view name, std::string_view message) {
        log(LogLevel::Error, name, message);
    }

    // The line log() would emit, without emitting it.
    std::string format(LogLevel level, std::string_view name, std::string_view message) const;

private:
    LogSink sink_;
    LoggerOptions options_;
    WallClock clock_;
    StatsCollector* stats_ = nullptr;
};

}  // namespace spider
