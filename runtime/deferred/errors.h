#pragma once
// The exceptions the Deferred layer raises (Twisted's names).
#include "deferred/failure.h"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace spider {

// A Deferred was cancelled (Deferred::cancel(), or a coroutine cancelled while suspended).
class CancelledError : public std::runtime_error {
public:
    CancelledError() : std::runtime_error("Deferred was cancelled") {}
    explicit CancelledError(const std::string& what) : std::runtime_error(what) {}
};

// addTimeout() cancelled the Deferred because it did not fire in time.
class TimeoutError : public std::runtime_error {
public:
    explicit TimeoutError(double seconds);
    double seconds() const noexcept { return seconds_; }

private:
    double seconds_;
};

// callback()/errback() on a Deferred that already fired.
class AlreadyCalledError : public std::logic_error {
public:
    AlreadyCalledError() : std::logic_error("Deferred was already called") {}
};

// gatherResults()/DeferredList(fireOnOneErrback): the first failure and the index of the
// Deferred it came from.
class FirstError : public std::runtime_error {
public:
    FirstError(Failure failure, std::size_t index);
    const Failure& failure() const noexcept { return failure_; }
    std::size_t index() const noexcept { return index_; }

private:
    Failure failure_;
    std::size_t index_;
};

// race(): every Deferred failed; the failures in input order.
class FailureGroup : public std::runtime_error {
public:
    explicit FailureGroup(std::vector<Failure> failures);
    const std::vector<Failure>& failures() const noexcept { return failures_; }

private:
    std::vector<Failure> failures_;
};

// DeferredQueue: put() on a full queue / get() beyond the backlog of waiting getters.
class QueueOverflow : public std::runtime_error {
public:
    QueueOverflow() : std::runtime_error("DeferredQueue is full") {}
};
class QueueUnderflow : public std::runtime_error {
public:
    QueueUnderflow() : std::runtime_error("DeferredQueue has too many waiting getters") {}
};

// Cooperator: why a CooperativeTask ended or refused an operation (Twisted's SchedulerError
// subclasses).
class SchedulerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};
class TaskDone : public SchedulerError {
public:
    TaskDone() : SchedulerError("the cooperative task is done") {}
};
class TaskStopped : public SchedulerError {
public:
    TaskStopped() : SchedulerError("the cooperative task was stopped") {}
};
class TaskFailed : public SchedulerError {
public:
    TaskFailed() : SchedulerError("the cooperative task failed") {}
};
class SchedulerStopped : public SchedulerError {
public:
    SchedulerStopped() : SchedulerError("the Cooperator was stopped") {}
};
class NotPaused : public SchedulerError {
public:
    NotPaused() : SchedulerError("resume() on a cooperative task that is not paused") {}
};

} // namespace spider
