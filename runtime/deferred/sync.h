#pragma once
// Concurrency primitives for code running on one reactor thread (Twisted's DeferredLock,
// DeferredSemaphore, DeferredQueue). Waiters are served in FIFO order; cancelling a waiting
// acquire()/get() removes it from the queue (and fails it with CancelledError).
//
// Each primitive must outlive the Deferreds it handed out that are still waiting; when it
// is destroyed, those fail with CancelledError.
#include "deferred/deferred.h"
#include "deferred/errors.h"

#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <utility>

namespace spider {

namespace detail {

template <class T>
void removeWaiter(std::deque<Deferred<T>>& waiting, const Deferred<T>& d) {
    for (auto it = waiting.begin(); it != waiting.end(); ++it) {
        if (*it == d) {
            waiting.erase(it);
            return;
        }
    }
}

template <class T>
void failWaiters(std::deque<Deferred<T>>& waiting, const char* why) {
    std::deque<Deferred<T>> doomed = std::move(waiting);
    for (auto& d : doomed) {
        if (!d.called()) {
            d.errback(Failure(CancelledError(why)));
        }
    }
}

} // namespace detail

class DeferredSemaphore {
public:
    // tokens >= 1 (std::invalid_argument otherwise).
    explicit DeferredSemaphore(std::size_t tokens) : tokens_(tokens), limit_(tokens) {
        if (tokens < 1) {
            throw std::invalid_argument("DeferredSemaphore requires tokens >= 1");
        }
    }
    DeferredSemaphore(const DeferredSemaphore&) = delete;
    DeferredSemaphore& operator=(const DeferredSemaphore&) = delete;
    ~DeferredSemaphore() { detail::failWaiters(waiting_, "DeferredSemaphore destroyed"); }

    // Fires when a token is yours: at once if one is free, else after the earlier waiters.
    Deferred<void> acquire() {
        Deferred<void> d([this](Deferred<void>& self) { detail::removeWaiter(waiting_, self); });
        if (tokens_ == 0) {
            waiting_.push_back(d);
        } else {
            --tokens_;
            d.callback();
        }
        return d;
    }
    // Gives a token back (to the first waiter, if any). std::logic_error if none is out.
    void release() {
        if (tokens_ >= limit_) {
            throw std::logic_error("DeferredSemaphore released more often than acquired");
        }
        ++tokens_;
        if (!waiting_.empty()) {
            --tokens_;
            Deferred<void> d = std::move(waiting_.front());
            waiting_.pop_front();
            d.callback();
        }
    }
    // acquire(), then f() (which may return a Deferred), then release() whatever happens;
    // fires with f's result.
    template <class F>
    auto run(F f) {
        return acquire().addCallback([this, f = std::move(f)]() mutable {
            return maybeDeferred(f).addBoth([this](auto outcome) {
                release();
                return outcome;
            });
        });
    }

    std::size_t tokens() const noexcept { return tokens_; }
    std::size_t limit() const noexcept { return limit_; }
    std::size_t waiting() const noexcept { return waiting_.size(); }

private:
    std::size_t tokens_;
    std::size_t limit_;
    std::deque<Deferred<void>> waiting_;
};

// A semaphore with one token.
class DeferredLock {
public:
    DeferredLock() = default;
    DeferredLock(const DeferredLock&) = delete;
    DeferredLock& operator=(const DeferredLock&) = delete;

    Deferred<void> acquire() { return sem_.acquire(); }
    // std::logic_error if not locked.
    void release() {
        if (!locked()) {
            throw std::logic_error("DeferredLock released while not locked");
        }
        sem_.release();
    }
    template <class F>
    auto run(F f) {
        return sem_.run(std::move(f));
    }
    bool locked() const noexcept { return sem_.tokens() == 0; }
    std::size_t waiting() const noexcept { return sem_.waiting(); }

private:
    DeferredSemaphore sem_{1};
};

// A queue whose get() is a Deferred. size bounds the values held (put() beyond it throws
// QueueOverflow); backlog bounds the waiting get()s (get() beyond it throws
// QueueUnderflow). Unset means unbounded.
template <class T>
class DeferredQueue {
public:
    explicit DeferredQueue(std::optional<std::size_t> size = std::nullopt,
                           std::optional<std::size_t> backlog = std::nullopt)
        : size_(size)
        , backlog_(backlog) {}
    DeferredQueue(const DeferredQueue&) = delete;
    DeferredQueue& operator=(const DeferredQueue&) = delete;
    ~DeferredQueue() { detail::failWaiters(waiting_, "DeferredQueue destroyed"); }

    void put(T value) {
        if (!waiting_.empty()) {
            Deferred<T> d = std::move(waiting_.front());
            waiting_.pop_front();
            d.callback(std::move(value));
        } else if (!size_ || pending_.size() < *size_) {
            pending_.push_back(std::move(value));
        } else {
            throw QueueOverflow();
        }
    }
    Deferred<T> get() {
        if (!pending_.empty()) {
            T value = std::move(pending_.front());
            pending_.pop_front();
            return succeed(std::move(value));
        }
        if (backlog_ && waiting_.size() >= *backlog_) {
            throw QueueUnderflow();
        }
        Deferred<T> d([this](Deferred<T>& self) { detail::removeWaiter(waiting_, self); });
        waiting_.push_back(d);
        return d;
    }

    std::size_t pending() const noexcept { return pending_.size(); }
    std::size_t waiting() const noexcept { return waiting_.size(); }

private:
    std::optional<std::size_t> size_;
    std::optional<std::size_t> backlog_;
    std::deque<T> pending_;
    std::deque<Deferred<T>> waiting_;
};

} // namespace spider
