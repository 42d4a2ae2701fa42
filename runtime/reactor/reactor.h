#pragma once
// The real event loop (Twisted's reactor): level-triggered epoll for file descriptors, a timer
// heap for callLater, a FIFO for callSoon, an eventfd for callFromThread and a signalfd for
// signals. One Reactor per thread that runs it; it is passed to whoever needs it, never a
// global.
//
// Threading: everything except callFromThread() and stop() must be called on the thread
// that runs the reactor (or, before run(), the thread that will).
//
// Errors: an exception escaping a callback (timer, callSoon, callFromThread, fd, signal or
// shutdown trigger) is given to the error handler (by default: a line on stderr with what())
// and the loop goes on. Failures of the operating system (epoll_create, watching an fd that
// cannot be watched) throw std::system_error with the call and fd in the message.
#include "reactor/reactor_time.h"
#include "reactor/timer_queue.h"

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace spider {

class Reactor final : public ReactorTime {
  public:
    // Event bits for watch() and for the readyEvents its callback receives.
    static constexpr unsigned kReadable = 1;
    static constexpr unsigned kWritable = 2;
    // Only ever in readyEvents: the fd reported an error or a hang-up (EPOLLERR/EPOLLHUP).
    // It comes with the watched kReadable/kWritable bits set too, so a reader sees EOF and
    // a writer sees its write fail.
    static constexpr unsigned kError = 4;

    // where: what kind of callback threw ("timer", "callSoon", "fd 7 reader", ...).
    using ErrorHandler = std::function<void(std::string_view where, std::exception_ptr error)>;

    Reactor();
    Reactor(const Reactor&) = delete;
    Reactor& operator=(const Reactor&) = delete;
    // Closes the reactor's own fds; scheduled calls never run (their handles turn inactive)
    // and pending callSoon/callFromThread functions are destroyed without running. Signals
    // blocked by onSignal() stay blocked.
    ~Reactor() override;

    // CLOCK_MONOTONIC, in seconds.
    double seconds() const override;
    DelayedCall callLater(double delaySeconds, std::function<void()> fn) override;

    // Runs fn on the next loop iteration; calls run in the order they were added.
    void callSoon(std::function<void()> fn);
    // Thread-safe: runs fn on the reactor thread soon, waking the loop if it is blocked.
    void callFromThread(std::function<void()> fn);

    // Watches fd (level-triggered) for `events` (kReadable | kWritable), replacing any
    // earlier watch of that fd. events == 0 unwatches. Throws std::invalid_argument for a
    // negative fd or an empty callback and std::system_error if epoll refuses the fd (a
    // regular file, a closed fd). The fd must stay open while watched: close it only after
    // unwatch(), or call unwatch() right after closing (which is fine, as is unwatching an
    // fd that was never watched).
    void watch(int fd, unsigned events, std::function<void(unsigned readyEvents)> cb);
    void unwatch(int fd);
    // The events fd is watched for (0 when it is not).
    unsigned watchedEvents(int fd) const;

    // Twisted-style conveniences: a reader and a writer per fd, kept independently. watch()
    // and these are alternatives for one fd: each replaces what the other set up.
    void addReader(int fd, std::function<void()> onReadable);
    void removeReader(int fd);
    void addWriter(int fd, std::function<void()> onWritable);
    void removeWriter(int fd);

    // Runs fn on the reactor thread each time signo arrives (handlers of one signal run in
    // the order they were added). The signal is delivered through a signalfd, which only
    // sees blocked signals: this blocks signo in the calling thread; a multi-threaded
    // program must block it in every thread (block it before starting threads, which
    // inherit the mask), or another thread may take it with its default action.
    void onSignal(int signo, std::function<void()> fn);

    // Loops until stop(). Throws std::logic_error if the reactor is already running (also
    // from a callback of this reactor). Shutdown triggers run before it returns.
    void run();
    // Makes the current run() return after the current iteration, or the next run() return
    // after its first iteration if the reactor is not running. Thread-safe.
    void stop();
    bool running() const noexcept { return running_; }
    // One loop iteration (for tests and for embedding): runs the callSoon calls queued
    // before it started, the timers due, then waits up to maxWaitSeconds (negative: as long
    // as needed; never when calls are queued) for fd events and dispatches them. Throws
    // std::logic_error when called from one of this reactor's callbacks.
    void iterate(double maxWaitSeconds = 0);

    // Runs fn once, when run() returns.
    void addShutdownTrigger(std::function<void()> fn);

    // The active timed calls, in the order they will run.
    std::vector<DelayedCall> getDelayedCalls() const { return timers_.pending(); }

    void setErrorHandler(ErrorHandler handler);

  private:
    struct Watch {
        unsigned events = 0;
        std::uint32_t generation = 0;
        std::function<void(unsigned)> cb;
        std::function<void()> reader;
        std::function<void()> writer;
    };

    Watch& slot(int fd);
    void setInterest(int fd, Watch& w, unsigned events, const char* caller);
    void dispatch(std::uint64_t data, std::uint32_t epollEvents);
    void runSoonCalls();
    void runDueTimers();
    void runThreadCalls();
    void readSignals();
    void wakeUp();
    template <class Fn>
    void guarded(std::string_view where, Fn&& fn);
    void report(std::string_view where, std::exception_ptr error);

    int epollFd_ = -1;
    int wakeFd_ = -1;   // eventfd for callFromThread/stop
    int signalFd_ = -1; // -1 until the first onSignal
    detail::TimerQueue timers_{*this};
    std::vector<Watch> watches_; // indexed by fd
    std::vector<std::function<void()>> soon_;
    std::vector<std::function<void()>> soonRunning_;
    std::mutex threadCallsMutex_;
    std::vector<std::function<void()>> threadCalls_; // guarded by threadCallsMutex_
    std::atomic<bool> wakePending_{false};
    std::atomic<bool> stopRequested_{false};
    std::map<int, std::vector<std::function<void()>>> signalHandlers_;
    std::vector<std::function<void()>> shutdownTriggers_;
    ErrorHandler errorHandler_;
    bool running_ = false;
    bool iterating_ = false;
};

} // namespace spider
