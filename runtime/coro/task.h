#pragma once
// Task<T>: a coroutine that is a Deferred to its callers (Twisted's ensureDeferred).
//
//     Task<int> pageLength(Fetcher& f, std::string url) {
//         Response r = co_await f.fetch(url);      // any Deferred<T> or Task<T>
//         co_return r.body.size();
//     }
//
// - Eager: calling it runs the body at once, up to its first co_await that has to wait.
//   (Nested very deep, beyond the thread's inline-resume budget, the start is queued and
//   happens before control returns to whoever started the outermost coroutine; see
//   scheduler.h.)
// - The Task's Deferred fires with the co_return value, or with the exception that escaped
//   the body as a Failure (after the body's locals are destroyed). A Task nobody waits for
//   that fails reports "Unhandled error in Deferred" like any Deferred.
// - cancel() cancels the Deferred the body is suspended on, so CancelledError (or whatever
//   that Deferred's canceller produces) is thrown at that co_await, where it may be caught;
//   the Task's result is then whatever the body does next. A cancel while the body is
//   running (or queued to run) applies to its next suspension.
// - Task<T> converts to Deferred<T> and offers the chain-building part of its API; there is
//   no callback()/errback(): only the body fires it.
// - Frames come from the per-thread pool (deferred/pool.h).
//
// Coroutine parameters: take them by value (a reference parameter may dangle once the
// body suspends), and do not pass capturing lambda temporaries inside co_await/co_yield
// operands (GCC PR 100611/101367, see PITFALLS.md).
#include "coro/deferred_awaiter.h"
#include "coro/scheduler.h"
#include "deferred/deferred.h"

#include <coroutine>
#include <cstddef>
#include <utility>

namespace spider {

template <class T = void>
class Task;

namespace detail {

struct TaskPromiseBase : CancellablePromise {
    static constexpr bool kDestroyFrameWhenAbandoned = true;

    TaskPromiseBase() = default;
    TaskPromiseBase(const TaskPromiseBase&) = delete;
    TaskPromiseBase& operator=(const TaskPromiseBase&) = delete;
    // Reached with core set only when the frame is destroyed before finishing (the
    // Deferred it waited on died unfired): the Task then never fires.
    ~TaskPromiseBase() {
        if (Core* c = core) {
            dropCanceller(*c);
            unref(c);
        }
    }

    static void* operator new(std::size_t size) { return poolAllocate(size); }
    static void operator delete(void* p, std::size_t size) noexcept { poolDeallocate(p, size); }

    struct InitialAwaiter {
        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> h) noexcept {
            if (!drainerActive()) {
                drainFrom(h); // runs the body now, as the outermost resumption
                return true;
            }
            if (stackHasRoom()) {
                return false; // run the body inline
            }
            enqueueResume(h);
            return true;
        }
        void await_resume() const noexcept {}
    };
    InitialAwaiter initial_suspend() noexcept { return {}; }

    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <class P>
        void await_suspend(std::coroutine_handle<P> h) noexcept {
            Core* c = std::exchange(h.promise().core, nullptr);
            dropCanceller(*c);
            c->flags |= Core::kCalled;
            // The body's locals are gone already; the frame (parameters, promise) goes
            // before anyone waiting runs.
            h.destroy();
            runCallbacks(*c);
            unref(c);
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }

    void unhandled_exception() noexcept {
        core->result.reset();
        core->result.emplace<Failure>(Failure::fromCurrentException("in a Task"));
    }

    static void dropCanceller(Core& c) noexcept {
        c.flags &= ~Core::kCancelHandled;
        if (Canceller* canceller = std::exchange(c.canceller, nullptr)) {
            canceller->destroy(canceller);
        }
    }

    // Installed on the Task's Deferred: cancel() reaches whatever the body waits on.
    struct TaskCanceller final : Canceller {
        explicit TaskCanceller(CancellablePromise* p) : promise(p) {
            call = &callImpl;
            destroy = &destroyImpl;
        }
        static void callImpl(Canceller* self, Core&) {
            static_cast<TaskCanceller*>(self)->promise->requestCancel();
        }
        static void destroyImpl(Canceller* self) noexcept {
            poolDelete(static_cast<TaskCanceller*>(self));
        }
        CancellablePromise* promise;
    };

    // Creates the Task's Deferred; the frame keeps one reference until it finishes.
    Core* makeCore(const void* type) {
        Core* c = Core::create(type);
        try {
            c->canceller = poolNew<TaskCanceller>(this);
        } catch (...) {
            unref(c);
            throw;
        }
        c->flags |= Core::kCancelHandled;
        ref(c);
        core = c;
        return c;
    }

    Core* core = nullptr;
};

template <class T>
struct TaskPromise final : TaskPromiseBase {
    Task<T> get_return_object();
    void return_value(T value) {
        core->result.reset();
        core->result.template emplace<T>(std::move(value));
    }
};

template <>
struct TaskPromise<void> final : TaskPromiseBase {
    Task<void> get_return_object();
    void return_void() noexcept { core->result.setVoid(); }
};

} // namespace detail

template <class T>
class Task {
public:
    using promise_type = detail::TaskPromise<T>;
    using value_type = T;

    // The Task's Deferred (another handle to the same chain).
    Deferred<T> deferred() const& { return d_; }
    Deferred<T> deferred() && { return std::move(d_); }
    operator Deferred<T>() const& { return d_; }
    operator Deferred<T>() && { return std::move(d_); }

    template <class F>
    auto addCallback(F f) {
        return d_.addCallback(std::move(f));
    }
    template <class F>
    auto addErrback(F f) {
        return d_.addErrback(std::move(f));
    }
    template <class F, class G>
    auto addCallbacks(F f, G g) {
        return d_.addCallbacks(std::move(f), std::move(g));
    }
    template <class F>
    auto addBoth(F f) {
        return d_.addBoth(std::move(f));
    }
    Task& addTimeout(double seconds, ReactorTime& clock) {
        d_.addTimeout(seconds, clock);
        return *this;
    }
    void cancel() { d_.cancel(); }
    bool called() const { return d_.called(); }
    bool hasResult() const { return d_.hasResult(); }
    bool hasFailure() const { return d_.hasFailure(); }

    friend detail::DeferredAwaiter<T> operator co_await(Task&& t) {
        return detail::DeferredAwaiter<T>(detail::DeferredAccess::release(std::move(t.d_)), true);
    }
    friend detail::DeferredAwaiter<T> operator co_await(Task& t) {
        return detail::DeferredAwaiter<T>(detail::DeferredAccess::core(t.d_), false);
    }

private:
    friend struct detail::TaskPromise<T>;
    friend struct detail::DeferredTraits<Task<T>>;
    explicit Task(Deferred<T> d) noexcept : d_(std::move(d)) {}

    Deferred<T> d_;
};

namespace detail {

template <class T>
Task<T> TaskPromise<T>::get_return_object() {
    return Task<T>(Deferred<T>(kAdoptRef, makeCore(typeTag<T>())));
}
inline Task<void> TaskPromise<void>::get_return_object() {
    return Task<void>(Deferred<void>(kAdoptRef, makeCore(typeTag<void>())));
}

// A callback may return a Task: the chain waits for it like for a Deferred.
template <class U>
struct DeferredTraits<Task<U>> {
    static constexpr bool kIsDeferred = true;
    using value_type = U;
    static Core* release(Task<U>&& t) { return DeferredAccess::release(std::move(t.d_)); }
};

} // namespace detail

} // namespace spider
