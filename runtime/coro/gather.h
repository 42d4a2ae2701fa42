#pragma once
// gather: wait for several Tasks (or Deferreds) that already run concurrently.
//
//     auto [a, b] = co_await gather(fetchA(), fetchB());   // Task<std::tuple<A, B>>
//     std::vector<int> all = co_await gather(std::move(tasks));
//
// Values come back in argument order (void as std::monostate). The first failure, in time,
// fails the gather with that failure's own exception (not wrapped); the other tasks keep
// running and their failures are consumed. Cancelling the gather cancels every task.
#include "coro/task.h"
#include "deferred/deferred_list.h"

#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace spider {

namespace detail {

// gatherResults, with its FirstError unwrapped to the original failure.
template <class T>
Deferred<std::vector<NonVoid<T>>> gatherUnwrapped(std::vector<Deferred<T>> inputs) {
    return gatherResults(std::move(inputs), true).addErrback([](Failure f) -> Failure {
        if (f.check<FirstError>()) {
            return f.trap<FirstError>().failure();
        }
        return f;
    });
}

template <class T>
Task<std::vector<NonVoid<T>>> gatherVector(std::vector<Deferred<T>> inputs) {
    co_return co_await gatherUnwrapped(std::move(inputs));
}

template <class Tuple, class... T, std::size_t... I>
Task<Tuple> gatherTuple(std::index_sequence<I...>, Deferred<T>... inputs) {
    auto slots = std::make_shared<std::tuple<std::optional<NonVoid<T>>...>>();
    std::vector<Deferred<void>> done;
    done.reserve(sizeof...(T));
    (done.push_back(inputs.addCallback([slots](auto&&... v) {
        if constexpr (sizeof...(v) == 0) {
            std::get<I>(*slots).emplace();
        } else {
            std::get<I>(*slots).emplace(std::move(v)...);
        }
    })),
     ...);
    co_await gatherUnwrapped(std::move(done));
    co_return Tuple(std::move(*std::get<I>(*slots))...);
}

} // namespace detail

template <class T>
Task<std::vector<NonVoid<T>>> gather(std::vector<Task<T>> tasks) {
    std::vector<Deferred<T>> inputs;
    inputs.reserve(tasks.size());
    for (auto& t : tasks) {
        inputs.push_back(std::move(t).deferred());
    }
    return detail::gatherVector<T>(std::move(inputs));
}

template <class T>
Task<std::vector<NonVoid<T>>> gather(std::vector<Deferred<T>> inputs) {
    return detail::gatherVector<T>(std::move(inputs));
}

template <class... T>
Task<std::tuple<NonVoid<T>...>> gather(Task<T>... tasks) {
    return detail::gatherTuple<std::tuple<NonVoid<T>...>, T...>(std::index_sequence_for<T...>{},
                                                                 std::move(tasks).deferred()...);
}

} // namespace spider
