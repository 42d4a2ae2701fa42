#include "threads/thread_pool.h"

#include <stdexcept>

namespace spider {

ThreadPool::ThreadPool(unsigned threads) {
    if (threads == 0) {
        throw std::invalid_argument("ThreadPool needs at least one thread");
    }
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) {
        threads_.emplace_back([this] { work(); });
    }
}

ThreadPool::~ThreadPool() {
    shutdown();
}

void ThreadPool::shutdown() {
    std::deque<std::function<void()>> dropped;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        dropped.swap(jobs_); // destroyed below, on this thread, after the workers stopped
    }
    wake_.notify_all();
    for (std::thread& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
}

void ThreadPool::submit(std::function<void()> job) {
    if (!job) {
        throw std::invalid_argument("ThreadPool::submit: the job is empty");
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!stopping_) {
            jobs_.push_back(std::move(job));
            job = nullptr;
        }
    }
    if (job) {
        job(); // shut down: no thread is left to run it
        return;
    }
    wake_.notify_one();
}

void ThreadPool::work() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) {
                return;
            }
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

} // namespace spider
