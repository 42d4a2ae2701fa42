#include "engine/log.h"

#include <cstdio>
#include <ctime>

#include "engine/stats.h"

namespace spider {

std::string_view logLevelName(LogLevel level) {
    switch (level) {
        case LogLevel::Debug: return "DEBUG";
        case LogLevel::Info: return "INFO";
        case LogLevel::Warning: return "WARNING";
        case LogLevel::Error: return "ERROR";
        case LogLevel::Critical: return "CRITICAL";
    }
    return "?";
}

std::optional<LogLevel> parseLogLevel(std::string_view name) {
    std::string upper;
    for (char c : name) upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    if (upper == "DEBUG") return LogLevel::Debug;
    if (upper == "INFO") return LogLevel::Info;
    if (upper == "WARNING" || upper == "WARN") return LogLevel::Warning;
    if (upper == "ERROR") return LogLevel::Error;
    if (upper == "CRITICAL") return LogLevel::Critical;
    return std::nullopt;
}

LogSink stderrLogSink() {
    return [](std::string_view line) {
        std::string text(line);
        text += '\n';
        std::fwrite(text.data(), 1, text.size(), stderr);
    };
}

Logger::Logger(LogSink sink, LoggerOptions options, WallClock clock)
    : sink_(std::move(sink)), options_(options), clock_(std::move(clock)) {}

std::string Logger::format(LogLevel level, std::string_view name, std::string_view message) const {
    std::time_t now = std::chrono::system_clock::to_time_t(clock_());
    std::tm parts{};
    if (options_.utc) {
        gmtime_r(&now, &parts);
    } else {
        localtime_r(&now, &parts);
    }
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &parts);
    std::string line;
    line.reserve(40 + name.size() + message.size());
    line += stamp;
    line += " [";
    line += name;
    line += "] ";
    line += logLevelName(level);
    line += ": ";
    line += message;
    return line;
}

void Logger::log(LogLevel level, std::string_view name, std::string_view message) {
    if (!enabled(level)) return;
    if (stats_) stats_->inc("log_count/" + std::string(logLevelName(level)));
    if (sink_) sink_(format(level, name, message));
}

}  // namespace spider
