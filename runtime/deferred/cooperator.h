#pragma once
// Cooperator: runs many long jobs a slice at a time on the reactor thread, so none of them
// starves the others or the loop (Twisted's task.Cooperator / coiterate).
//
// A job is a function called once per unit of work; it returns WorkResult::more() to be
// called again, WorkResult::done() when finished, or WorkResult::waitFor(d) to pause until
// the Deferred d fires (a failure of d fails the job). An exception fails the job. Each tick
// runs units round-robin across the jobs until the time slice is used up, then schedules
// the next tick on the clock.
#include "deferred/deferred.h"
#include "reactor/reactor_time.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace spider {

class WorkResult {
public:
    static WorkResult more() { return WorkResult(Kind::kMore); }
    static WorkResult done() { return WorkResult(Kind::kDone); }
    static WorkResult waitFor(Deferred<void> d) {
        WorkResult r(Kind::kWait);
        r.wait_ = std::make_unique<Deferred<void>>(std::move(d));
        return r;
    }

private:
    friend class CooperativeTask;
    enum class Kind { kMore, kDone, kWait };
    explicit WorkResult(Kind k) : kind_(k) {}
    Kind kind_;
    std::unique_ptr<Deferred<void>> wait_;
};

using WorkFn = std::function<WorkResult()>;

class Cooperator;

// One job of a Cooperator.
class CooperativeTask : public std::enable_shared_from_this<CooperativeTask> {
public:
    // Fires when the job finishes; fails with the job's failure, or with TaskStopped /
    // SchedulerStopped if it was stopped.
    Deferred<void> whenDone();
    // Pause/resume nest. pause()/stop() on a finished job throw its SchedulerError (TaskDone,
    // TaskFailed, TaskStopped, SchedulerStopped); resume() of a job not paused throws
    // NotPaused.
    void pause();
    void resume();
    void stop();
    bool finished() const noexcept { return completion_ != nullptr; }

    // Internal (use Cooperator::cooperate).
    CooperativeTask(WorkFn work, Cooperator& cooperator);

private:
    friend class Cooperator;
    void oneWorkUnit();
    void completeWith(std::exception_ptr state, Outcome<void> result);
    void checkFinish() const;

    WorkFn work_;
    Cooperator* cooperator_;
    std::vector<Deferred<void>> whenDone_;
    std::size_t pauseCount_ = 0;
    std::exception_ptr completion_; // the SchedulerError describing how it ended
    std::optional<Outcome<void>> result_;
};

class Cooperator {
public:
    struct Options {
        // Wall-clock time a tick may spend before yielding to the loop.
        double timeSlice = 0.01;
        // Delay before each tick (Twisted uses a tiny epsilon).
        double tickDelay = 0.0;
        // Tests: at most this many work units per tick (0: no limit, only timeSlice).
        std::size_t maxUnitsPerTick = 0;
        bool started = true;
    };
    explicit Cooperator(ReactorTime& clock) : Cooperator(clock, Options{}) {}
    Cooperator(ReactorTime& clock, Options options);
    Cooperator(const Cooperator&) = delete;
    Cooperator& operator=(const Cooperator&) = delete;
    // Cancels the pending tick; unfinished jobs are left unfired.
    ~Cooperator();

    std::shared_ptr<CooperativeTask> cooperate(WorkFn work);
    // Runs work to completion; the Deferred fires when it is done (or fails).
    Deferred<void> coiterate(WorkFn work);

    void start();
    // Every job ends with SchedulerStopped; later jobs too, until start().
    void stop();
    bool running() const noexcept { return started_ && !stopped_; }

private:
    friend class CooperativeTask;
    void addTask(const std::shared_ptr<CooperativeTask>& task);
    void removeTask(CooperativeTask* task);
    void tick();
    void reschedule();

    ReactorTime& clock_;
    Options options_;
    std::vector<std::shared_ptr<CooperativeTask>> tasks_;
    std::size_t next_ = 0; // round-robin position in tasks_
    DelayedCall call_;
    bool stopped_ = false;
    bool started_ = true;
    bool mustScheduleOnStart_ = false;
};

} // namespace spider
