#pragma once
// How the runtime resumes coroutines without growing the stack without bound.
//
// Coroutines are resumed inline (Twisted fires Deferreds synchronously, and a coroutine
// waiting on one continues inside callback()), as long as the thread's stack has room:
// resumptions nested more than kInlineStackBudget bytes deep below the outermost one are
// queued instead, and the outermost resumption (the "drainer") runs the queue, in FIFO
// order, before it returns. So a million nested Tasks completing synchronously, or a chain
// of coroutines resuming each other, run in bounded stack at -O0 and under ASan, where g++
// does not turn symmetric transfer into tail calls.
//
// Everything here is per thread.
#include <coroutine>
#include <cstddef>
#include <cstdint>

namespace spider::detail {

// Deeper than this below the drainer, resumptions are queued. Generous enough that normal
// programs never see queueing; small enough for an 8 MiB stack at -O0 with ASan.
inline constexpr std::ptrdiff_t kInlineStackBudget = 512 * 1024;

struct ResumeState {
    char* base = nullptr; // the drainer's frame; null when no drainer runs
};
inline thread_local constinit ResumeState tlsResume{};

// Runs h and then everything queued meanwhile; the caller becomes the drainer.
void drainFrom(std::coroutine_handle<> h) noexcept;
void enqueueResume(std::coroutine_handle<> h) noexcept;

// Also true when no drainer runs (the base is then 0, and 0 - here is negative).
inline bool stackHasRoom() noexcept {
    auto here = reinterpret_cast<std::intptr_t>(__builtin_frame_address(0));
    return reinterpret_cast<std::intptr_t>(tlsResume.base) - here < kInlineStackBudget;
}

// Resumes h now if the stack allows, else queues it for the drainer.
inline void resumeCoroutine(std::coroutine_handle<> h) noexcept {
    if (!tlsResume.base) {
        drainFrom(h);
    } else if (stackHasRoom()) {
        h.resume();
    } else {
        enqueueResume(h);
    }
}

// True when a drainer is running below the caller.
inline bool drainerActive() noexcept { return tlsResume.base != nullptr; }

} // namespace spider::detail
