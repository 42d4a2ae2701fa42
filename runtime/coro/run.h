#pragma once
// Running a program's top-level Deferred on the real Reactor.
#include "coro/task.h"
#include "deferred/deferred.h"
#include "reactor/reactor.h"

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>

namespace spider {

// Runs reactor until d fires, then returns its value or throws its failure's exception.
// If the reactor stops first (someone called stop()), throws std::runtime_error and d is
// left as it is. Must not be called while reactor is running.
template <class T>
T runUntilComplete(Reactor& reactor, Deferred<T> d) {
    auto out = std::make_shared<std::optional<Outcome<T>>>();
    d.addBoth([out, &reactor](Outcome<T> o) {
        bool wasRunning = !out->has_value() && reactor.running();
        out->emplace(std::move(o));
        if (wasRunning) {
            reactor.stop();
        }
    });
    if (!out->has_value()) {
        reactor.run();
    }
    if (!out->has_value()) {
        throw std::runtime_error("runUntilComplete: the reactor stopped before the Deferred fired");
    }
    return std::move(**out).value();
}
template <class T>
T runUntilComplete(Reactor& reactor, Task<T> t) {
    return runUntilComplete(reactor, std::move(t).deferred());
}

// Twisted's task.react: makes a Reactor, runs main(reactor) (returning a Deferred or Task,
// of any type) until it fires, and returns the process exit code: 0 on success, 1 on
// failure (reported on stderr as "main failed: ...").
int reactMain(const std::function<Deferred<void>(Reactor&)>& main);

template <class F>
int react(F main) {
    return reactMain([&main](Reactor& reactor) -> Deferred<void> {
        return Deferred<void>(maybeDeferred(main, reactor).addCallback([] {}));
    });
}

} // namespace spider
