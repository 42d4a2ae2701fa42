#pragma once
// Waiting for several Deferreds: DeferredList, gatherResults, race (Twisted's names and
// rules).
//
// Each input Deferred's result is taken into the combined result: afterwards its chain
// carries void, except that a failure stays in it (and is reported as unhandled if nothing
// else handles it) unless consumeErrors is set. Cancelling the combined Deferred before it
// fires cancels every input.
#include "deferred/deferred.h"
#include "deferred/errors.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace spider {

struct DeferredListOptions {
    // Fire with the first success (its index in firedBy) instead of waiting for all.
    bool fireOnOneCallback = false;
    // Fail with FirstError (the failure and its index) at the first failure.
    bool fireOnOneErrback = false;
    // Failures are handled by the list: the inputs' chains continue with void.
    bool consumeErrors = false;
};

template <class T>
struct DeferredListResult {
    // One entry per input, in input order; empty for inputs that had not fired when the
    // list fired (only possible with fireOnOneCallback/fireOnOneErrback).
    std::vector<std::optional<Outcome<T>>> results;
    // With fireOnOneCallback: the input whose success fired the list.
    std::optional<std::size_t> firedBy;
};

// void becomes std::monostate where a value is needed in a container.
template <class T>
using NonVoid = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <class T>
struct RaceResult {
    std::size_t index; // which input won
    NonVoid<T> value;
};

namespace detail {

template <class T>
void cancelAll(std::vector<Deferred<T>>& inputs, std::size_t except = static_cast<std::size_t>(-1)) {
    // Cancelling may fire the list, which clears nothing here: work on a copy.
    std::vector<Deferred<T>> copy = inputs;
    for (std::size_t i = 0; i < copy.size(); ++i) {
        if (i != except) {
            copy[i].cancel();
        }
    }
}

} // namespace detail

template <class T>
Deferred<DeferredListResult<T>> deferredList(std::vector<Deferred<T>> inputs,
                                             DeferredListOptions options = {}) {
    struct State {
        DeferredListOptions options;
        DeferredListResult<T> result;
        std::size_t finished = 0;
        bool fired = false;
        std::vector<Deferred<T>> inputs;
    };
    auto st = std::make_shared<State>();
    st->options = options;
    st->result.results.resize(inputs.size());
    st->inputs = inputs;
    Deferred<DeferredListResult<T>> out([st](Deferred<DeferredListResult<T>>&) {
        detail::cancelAll(st->inputs);
    });
    auto fire = [st, out](auto how) mutable {
        st->fired = true;
        st->inputs.clear(); // drop the cycle through the inputs' chains
        how(out);
    };
    if (inputs.empty() && !options.fireOnOneCallback) {
        fire([&](auto& d) { d.callback(std::move(st->result)); });
        return out;
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        inputs[i].addBoth([st, i, fire](Outcome<T> o) mutable -> Outcome<void> {
            bool ok = o.ok();
            std::optional<Failure> failure;
            if (!ok) {
                failure = o.failure();
            }
            if (!st->fired) {
                st->result.results[i].emplace(std::move(o));
                ++st->finished;
                if (ok && st->options.fireOnOneCallback) {
                    st->result.firedBy = i;
                    fire([&](auto& d) { d.callback(std::move(st->result)); });
                } else if (!ok && st->options.fireOnOneErrback) {
                    fire([&](auto& d) { d.errback(Failure(FirstError(*failure, i))); });
                } else if (st->finished == st->result.results.size()) {
                    fire([&](auto& d) { d.callback(std::move(st->result)); });
                }
            }
            if (failure && !st->options.consumeErrors) {
                return std::move(*failure);
            }
            return Outcome<void>();
        });
    }
    return out;
}

// All the values, in input order; the first failure fails it with FirstError.
template <class T>
Deferred<std::vector<NonVoid<T>>> gatherResults(std::vector<Deferred<T>> inputs,
                                                bool consumeErrors = false) {
    DeferredListOptions options;
    options.fireOnOneErrback = true;
    options.consumeErrors = consumeErrors;
    return deferredList(std::move(inputs), options)
        .addCallback([](DeferredListResult<T> r) {
            std::vector<NonVoid<T>> values;
            values.reserve(r.results.size());
            for (auto& o : r.results) {
                if constexpr (std::is_void_v<T>) {
                    values.emplace_back();
                } else {
                    values.push_back(std::move(*o).value());
                }
            }
            return values;
        });
}

// The first input to succeed wins: fires with its index and value, and every other input
// is cancelled. If all fail: FailureGroup with every failure. Cancelling the race cancels
// all inputs.
template <class T>
Deferred<RaceResult<T>> race(std::vector<Deferred<T>> inputs) {
    struct State {
        bool cancelling = false;
        bool won = false;
        std::size_t failureCount = 0;
        std::vector<std::optional<Failure>> failures;
        std::vector<Deferred<T>> inputs;
    };
    auto st = std::make_shared<State>();
    st->failures.resize(inputs.size());
    st->inputs = inputs;
    Deferred<RaceResult<T>> winner([st](Deferred<RaceResult<T>>&) {
        st->cancelling = true;
        detail::cancelAll(st->inputs);
    });
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        inputs[i].addBoth([st, i, winner](Outcome<T> o) mutable {
            if (st->won || st->cancelling) {
                return; // a loser: its outcome (usually CancelledError) is consumed
            }
            if (o.ok()) {
                st->won = true;
                auto losers = std::move(st->inputs);
                if constexpr (std::is_void_v<T>) {
                    winner.callback(RaceResult<T>{i, std::monostate{}});
                } else {
                    winner.callback(RaceResult<T>{i, std::move(o).value()});
                }
                detail::cancelAll(losers, i);
                return;
            }
            st->failures[i] = std::move(o.failure());
            if (++st->failureCount == st->failures.size()) {
                std::vector<Failure> all;
                for (auto& f : st->failures) {
                    all.push_back(std::move(*f));
                }
                st->inputs.clear();
                winner.errback(Failure(FailureGroup(std::move(all))));
            }
        });
    }
    return winner;
}

} // namespace spider
