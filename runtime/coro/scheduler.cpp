#include "coro/scheduler.h"

#include <deque>

namespace spider::detail {

namespace {
thread_local std::deque<std::coroutine_handle<>> tlsResumeQueue;
} // namespace

// Out of memory here would lose a coroutine: terminating is the honest outcome.
void enqueueResume(std::coroutine_handle<> h) noexcept { tlsResumeQueue.push_back(h); }

void drainFrom(std::coroutine_handle<> h) noexcept {
    tlsResume.base = static_cast<char*>(__builtin_frame_address(0));
    h.resume();
    auto& queue = tlsResumeQueue;
    while (!queue.empty()) {
        std::coroutine_handle<> next = queue.front();
        queue.pop_front();
        next.resume();
    }
    tlsResume.base = nullptr;
}

} // namespace spider::detail
