#include "coro/run.h"

#include <cstdio>
#include <string>

namespace spider {

int reactMain(const std::function<Deferred<void>(Reactor&)>& main) {
    Reactor reactor;
    // Keep the Failure itself (not just its exception) so the report says where it came from.
    auto failure = std::make_shared<std::optional<Failure>>();
    Deferred<void> d = maybeDeferred(main, reactor).addErrback([failure](Failure f) {
        failure->emplace(std::move(f));
    });
    try {
        runUntilComplete(reactor, std::move(d));
    } catch (...) {
        failure->emplace(Failure::fromCurrentException("running the reactor"));
    }
    if (failure->has_value()) {
        std::string text = detail::concat({"main failed: ", (*failure)->describe(), "\n"});
        std::fputs(text.c_str(), stderr);
        return 1;
    }
    return 0;
}

} // namespace spider
