#include "reactor/reactor.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <csignal>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace spider {
namespace {

[[noreturn]] void throwErrno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::uint32_t toEpoll(unsigned events) {
    std::uint32_t mask = 0;
    if ((events & Reactor::kReadable) != 0) {
        mask |= EPOLLIN | EPOLLRDHUP;
    }
    if ((events & Reactor::kWritable) != 0) {
        mask |= EPOLLOUT;
    }
    return mask;
}

std::uint64_t packData(int fd, std::uint32_t generation) {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(fd)) |
           (static_cast<std::uint64_t>(generation) << 32);
}

void defaultErrorHandler(std::string_view where, std::exception_ptr error) {
    std::string message = "unknown exception";
    try {
        std::rethrow_exception(std::move(error));
    } catch (const std::exception& e) {
        message = e.what();
    } catch (...) {
    }
    std::fprintf(stderr, "spider reactor: unhandled exception in %.*s callback: %s\n",
                 static_cast<int>(where.size()), where.data(), message.c_str());
}

// epoll_wait's timeout in ms, rounded up so a timer due in 0.3 ms does not spin the loop.
int toTimeoutMs(double seconds) {
    if (seconds <= 0) {
        return 0;
    }
    double ms = std::ceil(seconds * 1000.0);
    return ms >= static_cast<double>(INT_MAX) ? INT_MAX : static_cast<int>(ms);
}

} // namespace

Reactor::Reactor()
    : errorHandler_(defaultErrorHandler) {
    epollFd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epollFd_ < 0) {
        throwErrno("Reactor: epoll_create1");
    }
    wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakeFd_ < 0) {
        int saved = errno;
        close(epollFd_);
        errno = saved;
        throwErrno("Reactor: eventfd");
    }
    try {
        addReader(wakeFd_, [this] { runThreadCalls(); });
    } catch (...) {
        close(wakeFd_);
        close(epollFd_);
        throw;
    }
}

Reactor::~Reactor() {
    if (signalFd_ >= 0) {
        close(signalFd_);
    }
    close(wakeFd_);
    close(epollFd_);
}

double Reactor::seconds() const {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

DelayedCall Reactor::callLater(double delaySeconds, std::function<void()> fn) {
    return timers_.schedule(seconds() + detail::sanitizeDelay(delaySeconds), std::move(fn));
}

void Reactor::callSoon(std::function<void()> fn) {
    if (!fn) {
        throw std::invalid_argument("Reactor::callSoon: the function to call is empty");
    }
    soon_.push_back(std::move(fn));
}

void Reactor::callFromThread(std::function<void()> fn) {
    if (!fn) {
        throw std::invalid_argument("Reactor::callFromThread: the function to call is empty");
    }
    {
        std::lock_guard<std::mutex> lock(threadCallsMutex_);
        threadCalls_.push_back(std::move(fn));
    }
    wakeUp();
}

void Reactor::wakeUp() {
    // One pending eventfd write is enough to wake the loop; the reactor clears the flag
    // (after draining the eventfd, before taking the queued calls), so a call queued after
    // that writes again.
    if (!wakePending_.exchange(true)) {
        std::uint64_t one = 1;
        // EAGAIN (counter saturated) still leaves the fd readable, which is all we need.
        [[maybe_unused]] ssize_t n = write(wakeFd_, &one, sizeof one);
    }
}

void Reactor::runThreadCalls() {
    // Order matters: drain the eventfd, then clear the flag, then take the calls. Clearing
    // the flag before the read could swallow the write of a thread that set it again in
    // between, leaving the flag set with nothing to wake the loop: later calls would wait
    // forever.
    std::uint64_t count = 0;
    [[maybe_unused]] ssize_t n = read(wakeFd_, &count, sizeof count);
    wakePending_.store(false);
    std::vector<std::function<void()>> calls;
    {
        std::lock_guard<std::mutex> lock(threadCallsMutex_);
        calls.swap(threadCalls_);
    }
    for (auto& fn : calls) {
        guarded("callFromThread", fn);
    }
}

// ---- fd watching --------------------------------------------------------------------------

Reactor::Watch& Reactor::slot(int fd) {
    if (fd < 0) {
        throw std::invalid_argument("Reactor: cannot watch negative fd " + std::to_string(fd));
    }
    auto index = static_cast<std::size_t>(fd);
    if (index >= watches_.size()) {
        watches_.resize(index + 1);
    }
    return watches_[index];
}

void Reactor::setInterest(int fd, Watch& w, unsigned events, const char* caller) {
    epoll_event ev{};
    ev.events = toEpoll(events);
    ev.data.u64 = packData(fd, w.generation);
    // Our table may disagree with the kernel: a watched fd that was closed and reused is
    // gone from epoll (ENOENT on MOD), and an fd can be in epoll after its watch failed.
    int op = w.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    int rc = epoll_ctl(epollFd_, op, fd, &ev);
    if (rc < 0 && op == EPOLL_CTL_ADD && errno == EEXIST) {
        rc = epoll_ctl(epollFd_, EPOLL_CTL_MOD, fd, &ev);
    } else if (rc < 0 && op == EPOLL_CTL_MOD && errno == ENOENT) {
        rc = epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev);
    }
    if (rc < 0) {
        int saved = errno;
        w = Watch{0, w.generation + 1, nullptr, nullptr, nullptr};
        errno = saved;
        throwErrno(std::string("Reactor::") + caller + "(fd " + std::to_string(fd) + ")");
    }
    w.events = events;
}

void Reactor::watch(int fd, unsigned events, std::function<void(unsigned)> cb) {
    events &= kReadable | kWritable;
    if (events == 0) {
        unwatch(fd);
        return;
    }
    if (!cb) {
        throw std::invalid_argument("Reactor::watch: empty callback for fd " + std::to_string(fd));
    }
    Watch& w = slot(fd);
    w.reader = nullptr;
    w.writer = nullptr;
    w.cb = std::move(cb);
    setInterest(fd, w, events, "watch");
}

void Reactor::unwatch(int fd) {
    if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) {
        return;
    }
    Watch& w = watches_[static_cast<std::size_t>(fd)];
    if (w.events == 0) {
        return;
    }
    // EBADF (already closed) and ENOENT (closed and reused) are fine: either way it is gone.
    epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
    // Moved out first: destroying a callback may run code that watches fds again.
    Watch old = std::move(w);
    w = Watch{0, old.generation + 1, nullptr, nullptr, nullptr};
}

unsigned Reactor::watchedEvents(int fd) const {
    if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) {
        return 0;
    }
    return watches_[static_cast<std::size_t>(fd)].events;
}

void Reactor::addReader(int fd, std::function<void()> onReadable) {
    if (!onReadable) {
        throw std::invalid_argument("Reactor::addReader: empty callback for fd " +
                                    std::to_string(fd));
    }
    Watch& w = slot(fd);
    unsigned events = kReadable;
    if (w.cb) {
        w.cb = nullptr;
        w.writer = nullptr;
    } else if (w.writer) {
        events |= kWritable;
    }
    w.reader = std::move(onReadable);
    setInterest(fd, w, events, "addReader");
}

void Reactor::addWriter(int fd, std::function<void()> onWritable) {
    if (!onWritable) {
        throw std::invalid_argument("Reactor::addWriter: empty callback for fd " +
                                    std::to_string(fd));
    }
    Watch& w = slot(fd);
    unsigned events = kWritable;
    if (w.cb) {
        w.cb = nullptr;
        w.reader = nullptr;
    } else if (w.reader) {
        events |= kReadable;
    }
    w.writer = std::move(onWritable);
    setInterest(fd, w, events, "addWriter");
}

void Reactor::removeReader(int fd) {
    if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) {
        return;
    }
    Watch& w = watches_[static_cast<std::size_t>(fd)];
    if ((w.events & kReadable) == 0 || w.cb) {
        return;
    }
    if (!w.writer) {
        unwatch(fd);
        return;
    }
    auto doomed = std::move(w.reader);
    w.reader = nullptr;
    setInterest(fd, w, kWritable, "removeReader");
}

void Reactor::removeWriter(int fd) {
    if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) {
        return;
    }
    Watch& w = watches_[static_cast<std::size_t>(fd)];
    if ((w.events & kWritable) == 0 || w.cb) {
        return;
    }
    if (!w.reader) {
        unwatch(fd);
        return;
    }
    auto doomed = std::move(w.writer);
    w.writer = nullptr;
    setInterest(fd, w, kReadable, "removeWriter");
}

void Reactor::dispatch(std::uint64_t data, std::uint32_t epollEvents) {
    const int fd = static_cast<int>(data & 0xffffffffu);
    const auto generation = static_cast<std::uint32_t>(data >> 32);
    // Re-looked up after every callback: a callback may unwatch this fd or others, and
    // watching a higher fd may reallocate the table.
    auto current = [&]() -> Watch* {
        if (static_cast<std::size_t>(fd) >= watches_.size()) {
            return nullptr;
        }
        Watch& w = watches_[static_cast<std::size_t>(fd)];
        return w.generation == generation && w.events != 0 ? &w : nullptr;
    };
    Watch* w = current();
    if (w == nullptr) {
        return; // unwatched earlier in this batch
    }
    unsigned ready = 0;
    if ((epollEvents & (EPOLLIN | EPOLLRDHUP | EPOLLPRI)) != 0) {
        ready |= kReadable;
    }
    if ((epollEvents & EPOLLOUT) != 0) {
        ready |= kWritable;
    }
    if ((epollEvents & (EPOLLERR | EPOLLHUP)) != 0) {
        ready |= kError | w->events;
    }
    ready &= w->events | kError;
    if ((ready & (kReadable | kWritable)) == 0) {
        return;
    }

    // The running callback is moved out of the table so that unwatching its own fd from
    // inside it does not destroy it mid-call; it goes back unless it was replaced.
    if (w->cb) {
        auto cb = std::move(w->cb);
        w->cb = nullptr;
        guarded(fd == signalFd_ ? "signal" : "fd", [&] { cb(ready); });
        if (Watch* after = current();
            after != nullptr && !after->cb && !after->reader && !after->writer) {
            after->cb = std::move(cb);
        }
        return;
    }
    if ((ready & kReadable) != 0 && w->reader) {
        auto reader = std::move(w->reader);
        w->reader = nullptr;
        guarded("fd reader", reader);
        w = current();
        if (w != nullptr && (w->events & kReadable) != 0 && !w->reader && !w->cb) {
            w->reader = std::move(reader);
        }
    }
    if (w != nullptr && (ready & kWritable) != 0 && w->writer) {
        auto writer = std::move(w->writer);
        w->writer = nullptr;
        guarded("fd writer", writer);
        w = current();
        if (w != nullptr && (w->events & kWritable) != 0 && !w->writer && !w->cb) {
            w->writer = std::move(writer);
        }
    }
}

// ---- signals ------------------------------------------------------------------------------

void Reactor::onSignal(int signo, std::function<void()> fn) {
    if (!fn) {
        throw std::invalid_argument("Reactor::onSignal: empty callback for signal " +
                                    std::to_string(signo));
    }
    sigset_t mask;
    sigemptyset(&mask);
    for (const auto& [known, handlers] : signalHandlers_) {
        sigaddset(&mask, known);
    }
    if (sigaddset(&mask, signo) < 0) {
        throw std::invalid_argument("Reactor::onSignal: invalid signal " + std::to_string(signo));
    }
    sigset_t just;
    sigemptyset(&just);
    sigaddset(&just, signo);
    if (int rc = pthread_sigmask(SIG_BLOCK, &just, nullptr); rc != 0) {
        errno = rc;
        throwErrno("Reactor::onSignal: pthread_sigmask(" + std::to_string(signo) + ")");
    }
    int fd = signalfd(signalFd_, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        throwErrno("Reactor::onSignal: signalfd(" + std::to_string(signo) + ")");
    }
    if (signalFd_ < 0) {
        signalFd_ = fd;
        try {
            watch(signalFd_, kReadable, [this](unsigned) { readSignals(); });
        } catch (...) {
            close(signalFd_);
            signalFd_ = -1;
            throw;
        }
    }
    signalHandlers_[signo].push_back(std::move(fn));
}

void Reactor::readSignals() {
    signalfd_siginfo info{};
    while (read(signalFd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        auto it = signalHandlers_.find(static_cast<int>(info.ssi_signo));
        if (it == signalHandlers_.end()) {
            continue;
        }
        // By index: a handler may add handlers for the same signal.
        for (std::size_t i = 0; i < it->second.size(); ++i) {
            auto handler = it->second[i];
            guarded("signal", handler);
        }
    }
}

// ---- the loop -----------------------------------------------------------------------------

template <class Fn>
void Reactor::guarded(std::string_view where, Fn&& fn) {
    try {
        fn();
    } catch (...) {
        report(where, std::current_exception());
    }
}

void Reactor::report(std::string_view where, std::exception_ptr error) {
    try {
        errorHandler_(where, std::move(error));
    } catch (...) {
        std::fprintf(stderr, "spider reactor: the error handler threw\n");
    }
}

void Reactor::setErrorHandler(ErrorHandler handler) {
    errorHandler_ = handler ? std::move(handler) : ErrorHandler(defaultErrorHandler);
}

void Reactor::runSoonCalls() {
    if (soon_.empty()) {
        return;
    }
    // Only the calls queued before this pass: those they add wait for the next iteration.
    soonRunning_.swap(soon_);
    for (auto& fn : soonRunning_) {
        guarded("callSoon", fn);
    }
    soonRunning_.clear();
}

void Reactor::runDueTimers() {
    const double now = seconds();
    const std::uint64_t seqLimit = timers_.nextSeq();
    while (auto fn = timers_.popDue(now, seqLimit)) {
        guarded("timer", *fn);
    }
}

void Reactor::iterate(double maxWaitSeconds) {
    if (iterating_) {
        throw std::logic_error("Reactor::iterate: called from inside a reactor callback");
    }
    iterating_ = true;
    struct Reset {
        bool& flag;
        ~Reset() { flag = false; }
    } reset{iterating_};

    runSoonCalls();
    runDueTimers();

    int timeoutMs = 0;
    if (soon_.empty() && !stopRequested_.load()) {
        std::optional<double> next = timers_.nextTime();
        if (maxWaitSeconds < 0) {
            timeoutMs = next ? toTimeoutMs(*next - seconds()) : -1;
        } else {
            double wait = next ? std::min(maxWaitSeconds, *next - seconds()) : maxWaitSeconds;
            timeoutMs = toTimeoutMs(wait);
        }
    }

    constexpr int kMaxEvents = 256;
    epoll_event events[kMaxEvents];
    int n = epoll_wait(epollFd_, events, kMaxEvents, timeoutMs);
    if (n < 0) {
        if (errno == EINTR) {
            return;
        }
        throwErrno("Reactor: epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
        dispatch(events[i].data.u64, events[i].events);
    }
}

void Reactor::run() {
    if (running_ || iterating_) {
        throw std::logic_error("Reactor::run: the reactor is already running");
    }
    running_ = true;
    struct Reset {
        Reactor& r;
        ~Reset() {
            r.running_ = false;
            r.stopRequested_.store(false);
        }
    };
    {
        Reset reset{*this};
        do {
            iterate(-1);
        } while (!stopRequested_.load());
    }
    std::vector<std::function<void()>> triggers;
    triggers.swap(shutdownTriggers_);
    for (auto& fn : triggers) {
        guarded("shutdown trigger", fn);
    }
}

void Reactor::stop() {
    stopRequested_.store(true);
    wakeUp();
}

void Reactor::addShutdownTrigger(std::function<void()> fn) {
    if (!fn) {
        throw std::invalid_argument("Reactor::addShutdownTrigger: the function is empty");
    }
    shutdownTriggers_.push_back(std::move(fn));
}

} // namespace spider
