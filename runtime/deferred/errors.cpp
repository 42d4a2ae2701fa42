#include "deferred/errors.h"

#include <sstream>

namespace spider {

namespace {

std::string timeoutMessage(double seconds) {
    std::ostringstream out;
    out << "Deferred timed out after " << seconds << " seconds";
    return out.str();
}

std::string firstErrorMessage(const Failure& failure, std::size_t index) {
    return detail::concat({"FirstError[#", std::to_string(index), ", ", failure.describe(), "]"});
}

std::string groupMessage(const std::vector<Failure>& failures) {
    std::string out = detail::concat({std::to_string(failures.size()), " failures:"});
    for (const Failure& f : failures) {
        out.append(detail::concat({" [", f.typeName(), ": ", f.what(), "]"}));
    }
    return out;
}

} // namespace

TimeoutError::TimeoutError(double seconds)
    : std::runtime_error(timeoutMessage(seconds))
    , seconds_(seconds) {}

FirstError::FirstError(Failure failure, std::size_t index)
    : std::runtime_error(firstErrorMessage(failure, index))
    , failure_(std::move(failure))
    , index_(index) {}

FailureGroup::FailureGroup(std::vector<Failure> failures)
    : std::runtime_error(groupMessage(failures))
    , failures_(std::move(failures)) {}

} // namespace spider
