#pragma once
// Twisted's reactor thread pool and deferToThread: work too heavy for the reactor thread
// (parsing a page) runs on worker threads, and its result comes back to the reactor thread
// as a Deferred.
//
//     ThreadPool pool(1);
//     Deferred<ParsedTree> tree = deferToThread(reactor, pool, [body] { return parse(body); });
//     tree.addCallback(...);   // runs on the reactor thread
//
// Contract:
// - ThreadPool runs each submitted job once, on one of its threads. With one thread, jobs
//   run one at a time in submission order.
// - deferToThread's Deferred fires on the reactor thread (Reactor::callFromThread) with the
//   function's value or, if it threw, a Failure of that exception. The function runs on a
//   worker thread: it must own everything it touches (captured by value) or only read data
//   no other thread writes meanwhile. It must not touch Deferreds, the reactor, or any other
//   reactor-thread object: those are not thread-safe (their reference counts are not atomic).
// - shutdown() (and the destructor) stops the threads: a job already running finishes
//   first, jobs not started are dropped (destroyed on the calling thread; their Deferreds
//   never fire). Afterwards submit() runs a job at once on the caller's thread: work that
//   only releases memory may still be handed to a stopped pool. Shut the pool down on the
//   reactor's thread, before the reactor goes: a finished job's result is already queued on
//   the reactor, and is delivered (or dropped, unfired, if the reactor goes first) there.
//   Do not deferToThread on a stopped pool (its function would call back into a reactor
//   that may be gone).
#include "deferred/deferred.h"
#include "reactor/reactor.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace spider {

class ThreadPool {
  public:
    // Starts `threads` worker threads (std::invalid_argument if 0).
    explicit ThreadPool(unsigned threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    // Queues `job` for a worker thread (runs it here and now once the pool is shut down).
    // An exception escaping a job terminates the process, as on any std::thread:
    // deferToThread catches its function's.
    void submit(std::function<void()> job);

    // Stops the threads as described above; idempotent. Call it from outside the pool.
    void shutdown();

    unsigned size() const noexcept { return static_cast<unsigned>(threads_.size()); }

  private:
    void work();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_; // guarded by mutex_
    bool stopping_ = false;                   // guarded by mutex_
    std::vector<std::thread> threads_;
};

namespace detail {

// One deferToThread call: the function and its result travel to the worker and back in
// here. The reactor thread creates it and, at the end, destroys it; in between only the
// worker touches `fn`, `value` and `error` (the handoffs through the pool's and the
// reactor's queues order those accesses).
template <class F, class R>
struct ThreadJob {
    explicit ThreadJob(F f) : fn(std::move(f)) {}
    F fn;
    std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> value;
    std::exception_ptr error;
    Deferred<R> done;
};

} // namespace detail

template <class F>
auto deferToThread(Reactor& reactor, ThreadPool& pool, F fn) -> Deferred<std::invoke_result_t<F&>> {
    using R = std::invoke_result_t<F&>;
    auto job = std::make_shared<detail::ThreadJob<F, R>>(std::move(fn));
    Deferred<R> result = job->done;
    pool.submit([&reactor, job]() mutable {
        try {
            if constexpr (std::is_void_v<R>) {
                job->fn();
                job->value.emplace(true);
            } else {
                job->value.emplace(job->fn());
            }
        } catch (...) {
            job->error = std::current_exception();
        }
        // The job moves on to the reactor: this thread keeps no reference, so the Deferred
        // inside is released on the reactor thread, never here.
        reactor.callFromThread([job = std::move(job)] {
            Deferred<R> done = job->done;
            if (job->error) {
                try {
                    std::rethrow_exception(job->error);
                } catch (...) {
                    done.errback(Failure::fromCurrentException("in a thread-pool job"));
                }
            } else if constexpr (std::is_void_v<R>) {
                done.callback();
            } else {
                done.callback(std::move(*job->value));
            }
        });
    });
    return result;
}

} // namespace spider
