#pragma once
// Which responses reach a spider callback (Scrapy's HttpErrorMiddleware.process_spider_input):
// 2xx always; otherwise, in Scrapy's order of precedence,
//   1. meta handle_httpstatus_all true: every status;
//   2. meta handle_httpstatus_list (a list of ints): exactly those statuses (it replaces
//      the settings, it does not add to them);
//   3. httperror_allow_all: every status;
//   4. httperror_allowed_codes: those statuses.
// Everything else becomes an HttpError for the errback, or is ignored.
#include "http/request.h"

#include <cstdint>
#include <vector>

namespace spider {

class Settings;

struct HttpErrorPolicy {
    std::vector<std::int64_t> allowedCodes; // httperror_allowed_codes
    bool allowAll = false;                  // httperror_allow_all

    static HttpErrorPolicy fromSettings(const Settings& settings);

    // Whether a response with `status` to `request` goes to the callback.
    bool allows(const Request& request, int status) const;
};

} // namespace spider
