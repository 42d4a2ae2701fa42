#pragma once
// AsyncGenerator<T>: one coroutine body that both co_yields values and co_awaits Deferreds
// (Python's async generator). This is what spider callbacks become: they yield items and
// requests and await responses.
//
//     AsyncGenerator<Item> parse(Fetcher& f, Response r) {
//         co_yield Item{...};
//         Response next = co_await f.fetch(link);  // suspends the generator only
//         co_yield Item{...};
//     }
//     // consumer (in a Task or another generator):
//     while (std::optional<Item> item = co_await gen.next()) { ... }
//
// - Lazy: the body starts at the first next(); it runs until it yields, finishes or has to
//   wait. A value yielded synchronously reaches the consumer without suspending it (a few
//   nanoseconds, no allocation): the consumer's next() runs the body inline and takes the
//   value straight from the co_yield operand (moved from an rvalue; copied from an lvalue,
//   which the body keeps).
// - next() gives std::nullopt once the body has finished; an exception escaping the body is
//   thrown from the next() that was waiting (after that: std::nullopt). Only one next() may
//   be pending at a time (std::logic_error otherwise).
// - nextDeferred() is next() for code that is not a coroutine: a Deferred<std::optional<T>>.
//   The generator must outlive it.
// - cancel() cancels the Deferred the body is suspended on: CancelledError is thrown at that
//   co_await inside the body (which may catch it). A Task cancelled while waiting in next()
//   cancels the generator the same way; so does a cancel that was pending on the Task (made
//   while it ran) when its next() has to wait.
// - Destroying the generator while the body is suspended (at a co_yield or a co_await)
//   destroys the frame: RAII cleanup runs, and a Deferred it was awaiting no longer resumes
//   anything. A consumer still waiting in next() then gets CancelledError from it.
#include "coro/deferred_awaiter.h"
#include "coro/scheduler.h"
#include "coro/task.h"
#include "deferred/pool.h"

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace spider {

template <class T>
class AsyncGenerator;

namespace detail {

template <class T>
struct AsyncGeneratorPromise final : CancellablePromise {
    static constexpr bool kDestroyFrameWhenAbandoned = false;
    // An lvalue yielded is read in place (copied by the consumer) when copying cannot throw;
    // otherwise it is copied inside the body, at the co_yield, where the body can catch a
    // failure.
    static constexpr bool kCopyInPlace = std::is_nothrow_copy_constructible_v<T>;

    static void* operator new(std::size_t size) { return poolAllocate(size); }
    static void operator delete(void* p, std::size_t size) noexcept { poolDeallocate(p, size); }

    enum class Mode : unsigned char {
        kIdle,     // suspended, no next() pending
        kInline,   // running inside the consumer's next() (NextAwaiter::await_suspend)
        kProduced, // yielded during that inline run
        kAwaited,  // the consumer is suspended in next() until the body yields or finishes
        kFinished, // at its final suspend point (returned or threw); stays so
    };

    AsyncGenerator<T> get_return_object() noexcept;
    std::suspend_always initial_suspend() const noexcept { return {}; }

    // Gives control back to the consumer: to its await_suspend when it resumed us inline,
    // else by resuming it. Nothing may touch the frame afterwards (the consumer may
    // destroy the generator).
    void handOff() noexcept {
        if (mode == Mode::kInline) {
            mode = Mode::kProduced;
            return;
        }
        resumeConsumer();
    }
    // Out of line: it keeps the stack check (which needs a frame pointer) and the call out of
    // every co_yield.
    [[gnu::noinline]] void resumeConsumer() noexcept {
        if (mode != Mode::kFinished) {
            mode = Mode::kIdle;
        }
        abandoned = nullptr;
        if (std::coroutine_handle<> c = std::exchange(consumer, {})) {
            resumeCoroutine(c);
        }
    }

    struct HandOffAwaiter {
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<AsyncGeneratorPromise> h) noexcept {
            h.promise().handOff();
        }
        void await_resume() const noexcept {}
    };

    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<AsyncGeneratorPromise> h) noexcept {
            AsyncGeneratorPromise& p = h.promise();
            bool wasInline = p.mode == Mode::kInline;
            p.mode = Mode::kFinished;
            if (!wasInline) {
                p.resumeConsumer();
            }
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() noexcept {
        value = nullptr;
        return {};
    }
    bool finished() const noexcept { return mode == Mode::kFinished; }
    HandOffAwaiter yield_value(T&& v) noexcept {
        value = std::addressof(v);
        if constexpr (kCopyInPlace) {
            valueIsLvalue = false;
        }
        return {};
    }
    HandOffAwaiter yield_value(const T& v) noexcept(kCopyInPlace) {
        if constexpr (kCopyInPlace) {
            // Alive until the body resumes, which only the consumer's next next() does.
            value = const_cast<T*>(std::addressof(v));
            valueIsLvalue = true;
        } else {
            copy.emplace(v);
            value = std::addressof(*copy);
        }
        return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { exception = std::current_exception(); }

    // The yielded value, for the consumer.
    T take() {
        if constexpr (kCopyInPlace) {
            if constexpr (!std::is_trivially_copyable_v<T>) {
                if (!valueIsLvalue) {
                    return T(std::move(*value));
                }
            }
            return T(std::as_const(*value));
        } else {
            return T(std::move(*value));
        }
    }

    // Destroying the generator while a consumer waits in next(): it is told (abandoned)
    // and resumed once the frame is gone.
    static void destroy(std::coroutine_handle<AsyncGeneratorPromise> h) noexcept {
        AsyncGeneratorPromise& p = h.promise();
        std::coroutine_handle<> c = std::exchange(p.consumer, {});
        if (c && p.abandoned) {
            *p.abandoned = true;
        }
        h.destroy();
        if (c) {
            resumeCoroutine(c);
        }
    }

    T* value = nullptr;
    bool* abandoned = nullptr; // the waiting NextAwaiter's flag (kAwaited only)
    struct NoCopy {};
    // Holds a value yielded as an lvalue when it cannot be read in place.
    [[no_unique_address]] std::conditional_t<kCopyInPlace, NoCopy, std::optional<T>> copy;
    std::exception_ptr exception;
    std::coroutine_handle<> consumer; // kAwaited only
    Mode mode = Mode::kIdle;
    bool valueIsLvalue = false; // value points at an lvalue of the body: copy, do not move
};

template <class T>
class NextAwaiter {
public:
    using Promise = AsyncGeneratorPromise<T>;
    using Mode = typename Promise::Mode;
    using Handle = std::coroutine_handle<Promise>;
    explicit NextAwaiter(Handle h) noexcept : h_(h) {}

    bool await_ready() const {
        if (!h_) {
            throw std::logic_error("next() on an empty (moved-from) AsyncGenerator");
        }
        Mode mode = h_.promise().mode;
        if (mode == Mode::kIdle) {
            return false;
        }
        if (mode == Mode::kFinished) {
            return true;
        }
        throw std::logic_error("AsyncGenerator::next() while another next() is pending");
    }

    template <class P>
    bool await_suspend(std::coroutine_handle<P> consumer) {
        Promise& p = h_.promise();
        if (!stackHasRoom()) {
            enqueueResume(h_);
            wait(consumer);
            return true;
        }
        // Run the body here. While it runs inline nothing else can resume it or us, so the
        // consumer is registered only if the body ends up waiting.
        p.mode = Mode::kInline;
        h_.resume();
        if (p.mode == Mode::kProduced) {
            p.mode = Mode::kIdle;
            return false; // a value is there: continue without suspending
        }
        if (p.mode == Mode::kFinished) {
            return false; // so is the end
        }
        // The body waits on something; it resumes us when it yields.
        wait(consumer);
        return true;
    }

    std::optional<T> await_resume() {
        if (waited_) {
            if (consumerPromise_) {
                consumerPromise_->cancelHook = nullptr;
            }
            if (abandoned_) {
                throw CancelledError("AsyncGenerator destroyed while next() was waiting");
            }
        }
        Promise& p = h_.promise();
        if (p.finished()) {
            if (p.exception) {
                std::rethrow_exception(std::exchange(p.exception, nullptr));
            }
            return std::nullopt;
        }
        return std::optional<T>(p.take());
    }

private:
    // The consumer suspends until the body yields or finishes: register it, and let a
    // cancel of the consumer (pending, or made while it waits) reach the body.
    template <class P>
    void wait(std::coroutine_handle<P> consumer) {
        Promise& p = h_.promise();
        waited_ = true;
        consumerPromise_ = nullptr;
        p.mode = Mode::kAwaited;
        p.consumer = consumer;
        p.abandoned = &abandoned_;
        if constexpr (std::is_base_of_v<CancellablePromise, P>) {
            CancellablePromise& cp = consumer.promise();
            consumerPromise_ = &cp;
            cp.cancelHook = &cancelGenerator;
            cp.cancelArg = &p;
            if (std::exchange(cp.cancelRequested, false)) {
                // May resume the body, and through it the consumer: nothing touches *this
                // afterwards.
                p.requestCancel();
            }
        }
    }

    static void cancelGenerator(void* promise) {
        static_cast<Promise*>(promise)->requestCancel();
    }

    Handle h_;
    CancellablePromise* consumerPromise_; // set by wait()
    bool waited_ = false;
    bool abandoned_ = false;
};

} // namespace detail

template <class T>
class AsyncGenerator {
public:
    using promise_type = detail::AsyncGeneratorPromise<T>;
    using value_type = T;

    AsyncGenerator() noexcept = default;
    AsyncGenerator(AsyncGenerator&& other) noexcept : h_(std::exchange(other.h_, {})) {}
    AsyncGenerator& operator=(AsyncGenerator&& other) noexcept {
        AsyncGenerator(std::move(other)).swap(*this);
        return *this;
    }
    AsyncGenerator(const AsyncGenerator&) = delete;
    AsyncGenerator& operator=(const AsyncGenerator&) = delete;
    ~AsyncGenerator() {
        if (h_) {
            promise_type::destroy(h_);
        }
    }
    void swap(AsyncGenerator& other) noexcept { std::swap(h_, other.h_); }

    // co_await gen.next(): the next value, or std::nullopt at the end.
    detail::NextAwaiter<T> next() noexcept { return detail::NextAwaiter<T>(h_); }
    // The same for non-coroutine callers.
    Deferred<std::optional<T>> nextDeferred() { return pull(this); }

    // Cancels the Deferred the body is suspended on (or, when it is not suspended on one,
    // the next one it suspends on).
    void cancel() {
        if (h_ && !h_.promise().finished()) {
            h_.promise().requestCancel();
        }
    }
    // The body has finished (returned or thrown).
    bool done() const noexcept { return !h_ || h_.promise().finished(); }

private:
    friend struct detail::AsyncGeneratorPromise<T>;
    explicit AsyncGenerator(std::coroutine_handle<promise_type> h) noexcept : h_(h) {}

    static Task<std::optional<T>> pull(AsyncGenerator* self) { co_return co_await self->next(); }

    std::coroutine_handle<promise_type> h_;
};

namespace detail {

template <class T>
AsyncGenerator<T> AsyncGeneratorPromise<T>::get_return_object() noexcept {
    return AsyncGenerator<T>(std::coroutine_handle<AsyncGeneratorPromise>::from_promise(*this));
}

} // namespace detail

} // namespace spider
