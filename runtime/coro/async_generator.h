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
//   nanoseconds, no allocation).
// - next() gives std::nullopt once the body has finished; an exception escaping the body is
//   thrown from the next() that was waiting (after that: std::nullopt). Only one next() may
//   be pending at a time (std::logic_error otherwise).
// - nextDeferred() is next() for code that is not a coroutine: a Deferred<std::optional<T>>.
//   The generator must outlive it.
// - cancel() cancels the Deferred the body is suspended on: CancelledError is thrown at that
//   co_await inside the body (which may catch it). A Task cancelled while waiting in next()
//   cancels the generator the same way.
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

    static void* operator new(std::size_t size) { return poolAllocate(size); }
    static void operator delete(void* p, std::size_t size) noexcept { poolDeallocate(p, size); }

    AsyncGenerator<T> get_return_object() noexcept;
    std::suspend_always initial_suspend() const noexcept { return {}; }

    // Gives control back to the consumer: to its await_suspend when it resumed us inline,
    // else by resuming it. Nothing may touch the frame afterwards (the consumer may
    // destroy the generator).
    void handOff() noexcept {
        if (inlineResume) {
            produced = true;
            return;
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

    HandOffAwaiter final_suspend() noexcept {
        finished = true;
        value = nullptr;
        return {};
    }
    HandOffAwaiter yield_value(T&& v) noexcept {
        value = std::addressof(v);
        return {};
    }
    HandOffAwaiter yield_value(const T& v) noexcept(std::is_nothrow_copy_constructible_v<T>) {
        copy.emplace(v);
        value = std::addressof(*copy);
        return {};
    }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { exception = std::current_exception(); }

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
    bool* abandoned = nullptr; // the waiting NextAwaiter's flag
    std::optional<T> copy; // holds a value yielded as an lvalue
    std::exception_ptr exception;
    std::coroutine_handle<> consumer;
    bool inlineResume = false; // resumed from the consumer's await_suspend
    bool produced = false;     // yielded or finished during that inline resume
    bool finished = false;
};

template <class T>
class NextAwaiter {
public:
    using Handle = std::coroutine_handle<AsyncGeneratorPromise<T>>;
    explicit NextAwaiter(Handle h) noexcept : h_(h) {}

    bool await_ready() const {
        if (!h_) {
            throw std::logic_error("next() on an empty (moved-from) AsyncGenerator");
        }
        if (h_.promise().consumer) {
            throw std::logic_error("AsyncGenerator::next() while another next() is pending");
        }
        return h_.promise().finished;
    }

    template <class P>
    bool await_suspend(std::coroutine_handle<P> consumer) {
        AsyncGeneratorPromise<T>& p = h_.promise();
        p.consumer = consumer;
        p.abandoned = &abandoned_;
        p.produced = false;
        p.copy.reset();
        if constexpr (std::is_base_of_v<CancellablePromise, P>) {
            CancellablePromise& cp = consumer.promise();
            consumerPromise_ = &cp;
            cp.cancelHook = &cancelGenerator;
            cp.cancelArg = &p;
        }
        if (drainerActive() && !stackHasRoom()) {
            enqueueResume(h_);
            return true;
        }
        p.inlineResume = true;
        h_.resume();
        p.inlineResume = false;
        if (p.produced) {
            p.consumer = {};
            p.abandoned = nullptr;
            return false; // a value (or the end) is there: continue without suspending
        }
        return true; // the body waits on something; it resumes us when it yields
    }

    std::optional<T> await_resume() {
        if (consumerPromise_) {
            consumerPromise_->cancelHook = nullptr;
        }
        if (abandoned_) {
            throw CancelledError("AsyncGenerator destroyed while next() was waiting");
        }
        AsyncGeneratorPromise<T>& p = h_.promise();
        p.abandoned = nullptr;
        if (p.exception) {
            std::rethrow_exception(std::exchange(p.exception, nullptr));
        }
        if (p.finished) {
            return std::nullopt;
        }
        return std::optional<T>(std::move(*p.value));
    }

private:
    static void cancelGenerator(void* promise) {
        static_cast<AsyncGeneratorPromise<T>*>(promise)->requestCancel();
    }

    Handle h_;
    CancellablePromise* consumerPromise_ = nullptr;
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
        if (h_ && !h_.promise().finished) {
            h_.promise().requestCancel();
        }
    }
    // The body has finished (returned or thrown).
    bool done() const noexcept { return !h_ || h_.promise().finished; }

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
