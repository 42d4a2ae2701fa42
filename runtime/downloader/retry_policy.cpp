#include "downloader/retry_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>

namespace spider {

bool isRetryableFailure(HttpFailureKind kind) noexcept {
    switch (kind) {
    case HttpFailureKind::Timeout:
    case HttpFailureKind::ConnectFailed:
    case HttpFailureKind::DnsFailed:
    case HttpFailureKind::ConnectionLost:
        return true;
    case HttpFailureKind::ProtocolError:
    case HttpFailureKind::TooLarge:
    case HttpFailureKind::TooManyRedirects:
    case HttpFailureKind::BadScheme:
    case HttpFailureKind::BadUrl:
    case HttpFailureKind::InvalidRequest:
    case HttpFailureKind::TlsError:
    case HttpFailureKind::Cancelled:
    case HttpFailureKind::Other:
        return false;
    }
    return false;
}

double retryBackoff(int attempt, double baseSeconds, double maxSeconds, double random01) {
    if (!(baseSeconds > 0)) {
        return 0;
    }
    // 2^62 seconds already exceeds any cap; stop doubling there instead of overflowing.
    int exponent = std::clamp(attempt, 1, 63) - 1;
    double capped = std::min(std::max(maxSeconds, 0.0), std::ldexp(baseSeconds, exponent));
    double u = std::clamp(random01, 0.0, 1.0);
    return capped * (0.5 + 0.5 * u);
}

namespace {

std::string_view trim(std::string_view s) {
    auto space = [](char c) { return c == ' ' || c == '\t'; };
    while (!s.empty() && space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool allDigits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A tiny cursor over the date text: each step consumes or fails.
struct DateScanner {
    std::string_view text;
    std::size_t pos = 0;

    bool literal(std::string_view s) {
        if (text.substr(pos, s.size()) != s) {
            return false;
        }
        pos += s.size();
        return true;
    }
    bool spaces(std::size_t minimum) {
        std::size_t start = pos;
        while (pos < text.size() && text[pos] == ' ') {
            ++pos;
        }
        return pos - start >= minimum;
    }
    bool number(std::size_t minDigits, std::size_t maxDigits, int& out) {
        std::size_t start = pos;
        out = 0;
        while (pos < text.size() && pos - start < maxDigits && text[pos] >= '0' &&
               text[pos] <= '9') {
            out = out * 10 + (text[pos] - '0');
            ++pos;
        }
        return pos - start >= minDigits;
    }
    bool oneOf(const std::array<std::string_view, 12>& names, std::size_t count, int& index) {
        for (std::size_t i = 0; i < count; ++i) {
            if (literal(names[i])) {
                index = static_cast<int>(i);
                return true;
            }
        }
        return false;
    }
    bool word() {
        std::size_t start = pos;
        while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) {
            ++pos;
        }
        return pos > start;
    }
    bool time(int& h, int& m, int& s) {
        return number(2, 2, h) && literal(":") && number(2, 2, m) && literal(":") &&
               number(2, 2, s) && h < 24 && m < 60 && s < 61;
    }
    bool done() const { return pos == text.size(); }
};

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    auto yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The three HTTP-date forms of RFC 9110 section 5.6.7, as seconds since the epoch.
std::optional<std::int64_t> parseHttpDate(std::string_view text) {
    int day = 0;
    int month = 0;
    int year = 0;
    int h = 0;
    int m = 0;
    int s = 0;
    DateScanner in{text};
    if (!in.word()) {
        return std::nullopt;
    }
    if (in.literal(",")) {
        // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850 "Sunday, 06-Nov-94 ...".
        if (!in.spaces(1) || !in.number(1, 2, day)) {
            return std::nullopt;
        }
        if (in.literal("-")) {
            if (!in.oneOf(kMonths, kMonths.size(), month) || !in.literal("-") ||
                !in.number(2, 2, year)) {
                return std::nullopt;
            }
            // RFC 9110: a two-digit year more than 50 years in the future is in the past.
            year += year < 70 ? 2000 : 1900;
        } else if (!in.spaces(1) || !in.oneOf(kMonths, kMonths.size(), month) || !in.spaces(1) ||
                   !in.number(4, 4, year)) {
            return std::nullopt;
        }
        if (!in.spaces(1) || !in.time(h, m, s) || !in.spaces(1) || !in.literal("GMT") ||
            !in.done()) {
            return std::nullopt;
        }
    } else {
        // asctime "Sun Nov  6 08:49:37 1994".
        if (!in.spaces(1) || !in.oneOf(kMonths, kMonths.size(), month) || !in.spaces(1) ||
            !in.number(1, 2, day) || !in.spaces(1) || !in.time(h, m, s) || !in.spaces(1) ||
            !in.number(4, 4, year) || !in.done()) {
            return std::nullopt;
        }
    }
    if (day < 1 || day > 31) {
        return std::nullopt;
    }
    std::int64_t days =
        daysFromCivil(year, static_cast<unsigned>(month + 1), static_cast<unsigned>(day));
    return days * 86400 + h * 3600 + m * 60 + s;
}

} // namespace

std::optional<double> parseRetryAfter(std::string_view value,
                                      std::chrono::system_clock::time_point now) {
    value = trim(value);
    if (allDigits(value)) {
        // Absurdly long values saturate instead of overflowing; the caller caps them anyway.
        if (value.size() > 12) {
            return 1e12;
        }
        double seconds = 0;
        for (char c : value) {
            seconds = seconds * 10 + (c - '0');
        }
        return seconds;
    }
    std::optional<std::int64_t> date = parseHttpDate(value);
    if (!date) {
        return std::nullopt;
    }
    double nowSeconds = std::chrono::duration<double>(now.time_since_epoch()).count();
    return std::max(0.0, static_cast<double>(*date) - nowSeconds);
}

std::string statusMessage(int status) {
    // twisted.web.http.RESPONSES (Twisted 22.4), which Scrapy's response_status_message uses.
    static constexpr struct {
        int code;
        const char* reason;
    } kReasons[] = {
        {100, "Continue"},
        {101, "Switching Protocols"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {203, "Non-Authoritative Information"},
        {204, "No Content"},
        {205, "Reset Content."},
        {206, "Partial Content"},
        {207, "Multi-Status"},
        {300, "Multiple Choices"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {303, "See Other"},
        {304, "Not Modified"},
        {305, "Use Proxy"},
        {307, "Temporary Redirect"},
        {308, "Permanent Redirect"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {402, "Payment Required"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {407, "Proxy Authentication Required"},
        {408, "Request Time-out"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Request Entity Too Large"},
        {414, "Request-URI Too Long"},
        {415, "Unsupported Media Type"},
        {416, "Requested Range not satisfiable"},
        {417, "Expectation Failed"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Time-out"},
        {505, "HTTP Version not supported"},
        {507, "Insufficient Storage Space"},
        {510, "Not Extended"},
    };
    for (const auto& entry : kReasons) {
        if (entry.code == status) {
            return std::to_string(status) + " " + entry.reason;
        }
    }
    return std::to_string(status) + " Unknown Status";
}

std::string failureTypeName(HttpFailureKind kind) {
    return "spider.HttpFailure." + std::string(toString(kind));
}

} // namespace spider
