#include "engine/http_error.h"

#include "engine/settings.h"

#include <algorithm>

namespace spider {

HttpErrorPolicy HttpErrorPolicy::fromSettings(const Settings& settings) {
    return HttpErrorPolicy{settings.httperror_allowed_codes, settings.httperror_allow_all};
}

bool HttpErrorPolicy::allows(const Request& request, int status) const {
    if (status >= 200 && status < 300) {
        return true;
    }
    if (const Value* all = request.meta.find("handle_httpstatus_all"); all && all->truthy()) {
        return true;
    }
    if (const Value* list = request.meta.find("handle_httpstatus_list")) {
        const ValueList* statuses = list->getList();
        return statuses && std::any_of(statuses->begin(), statuses->end(), [&](const Value& v) {
                   return v.isInt() && v.asInt() == status;
               });
    }
    if (allowAll) {
        return true;
    }
    return std::find(allowedCodes.begin(), allowedCodes.end(), status) != allowedCodes.end();
}

} // namespace spider
