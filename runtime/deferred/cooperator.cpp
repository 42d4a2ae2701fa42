#include "deferred/cooperator.h"

#include "deferred/errors.h"

#include <algorithm>
#include <chrono>

namespace spider {

CooperativeTask::CooperativeTask(WorkFn work, Cooperator& cooperator)
    : work_(std::move(work))
    , cooperator_(&cooperator) {}

Deferred<void> CooperativeTask::whenDone() {
    Deferred<void> d;
    if (!completion_) {
        whenDone_.push_back(d);
    } else if (result_->failed()) {
        d.errback(result_->failure());
    } else {
        d.callback();
    }
    return d;
}

void CooperativeTask::checkFinish() const {
    if (completion_) {
        std::rethrow_exception(completion_);
    }
}

void CooperativeTask::pause() {
    checkFinish();
    if (++pauseCount_ == 1 && cooperator_) {
        cooperator_->removeTask(this);
    }
}

void CooperativeTask::resume() {
    if (pauseCount_ == 0) {
        throw NotPaused();
    }
    if (--pauseCount_ == 0 && !completion_ && cooperator_) {
        cooperator_->addTask(shared_from_this());
    }
}

void CooperativeTask::stop() {
    checkFinish();
    completeWith(std::make_exception_ptr(TaskStopped()), Outcome<void>(Failure(TaskStopped())));
}

void CooperativeTask::completeWith(std::exception_ptr state, Outcome<void> result) {
    auto keep = shared_from_this();
    completion_ = std::move(state);
    result_.emplace(std::move(result));
    if (pauseCount_ == 0 && cooperator_) {
        cooperator_->removeTask(this);
    }
    std::vector<Deferred<void>> waiting = std::move(whenDone_);
    for (auto& d : waiting) {
        if (result_->failed()) {
            d.errback(result_->failure());
        } else {
            d.callback();
        }
    }
}

void CooperativeTask::oneWorkUnit() {
    std::unique_ptr<WorkResult> r;
    try {
        r = std::make_unique<WorkResult>(work_());
    } catch (...) {
        completeWith(std::make_exception_ptr(TaskFailed()),
                     Outcome<void>(Failure::fromCurrentException("in a cooperative task")));
        return;
    }
    switch (r->kind_) {
    case WorkResult::Kind::kMore:
        return;
    case WorkResult::Kind::kDone:
        completeWith(std::make_exception_ptr(TaskDone()), Outcome<void>());
        return;
    case WorkResult::Kind::kWait: {
        pause();
        // The waited-on Deferred keeps the paused job alive (nothing else may).
        std::shared_ptr<CooperativeTask> self = shared_from_this();
        r->wait_->addCallbacks(
            [self] {
                if (!self->completion_) {
                    self->resume();
                }
            },
            [self](Failure f) {
                if (!self->completion_) {
                    self->completeWith(std::make_exception_ptr(TaskFailed()),
                                       Outcome<void>(std::move(f)));
                }
            });
        return;
    }
    }
}

Cooperator::Cooperator(ReactorTime& clock, Options options)
    : clock_(clock)
    , options_(options)
    , started_(options.started) {}

Cooperator::~Cooperator() {
    call_.cancel();
    for (auto& t : tasks_) {
        t->cooperator_ = nullptr;
    }
}

std::shared_ptr<CooperativeTask> Cooperator::cooperate(WorkFn work) {
    auto task = std::make_shared<CooperativeTask>(std::move(work), *this);
    addTask(task);
    return task;
}

Deferred<void> Cooperator::coiterate(WorkFn work) { return cooperate(std::move(work))->whenDone(); }

void Cooperator::addTask(const std::shared_ptr<CooperativeTask>& task) {
    tasks_.push_back(task);
    if (stopped_) {
        task->completeWith(std::make_exception_ptr(SchedulerStopped()),
                           Outcome<void>(Failure(SchedulerStopped())));
        return;
    }
    reschedule();
}

void Cooperator::removeTask(CooperativeTask* task) {
    auto it = std::find_if(tasks_.begin(), tasks_.end(),
                           [task](const auto& p) { return p.get() == task; });
    if (it == tasks_.end()) {
        return;
    }
    std::size_t index = static_cast<std::size_t>(it - tasks_.begin());
    tasks_.erase(it);
    if (index < next_) {
        --next_;
    }
    if (tasks_.empty()) {
        call_.cancel();
        call_ = DelayedCall();
    }
}

void Cooperator::tick() {
    call_ = DelayedCall();
    auto start = std::chrono::steady_clock::now();
    std::size_t units = 0;
    while (!tasks_.empty()) {
        if (next_ >= tasks_.size()) {
            next_ = 0;
        }
        std::shared_ptr<CooperativeTask> task = tasks_[next_++];
        task->oneWorkUnit();
        ++units;
        if (options_.maxUnitsPerTick && units >= options_.maxUnitsPerTick) {
            break;
        }
        std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
        if (spent.count() > options_.timeSlice) {
            break;
        }
    }
    reschedule();
}

void Cooperator::reschedule() {
    if (!started_) {
        mustScheduleOnStart_ = true;
        return;
    }
    if (!call_.active() && !tasks_.empty()) {
        call_ = clock_.callLater(options_.tickDelay, [this] { tick(); });
    }
}

void Cooperator::start() {
    stopped_ = false;
    started_ = true;
    if (mustScheduleOnStart_) {
        mustScheduleOnStart_ = false;
        reschedule();
    }
}

void Cooperator::stop() {
    stopped_ = true;
    std::vector<std::shared_ptr<CooperativeTask>> tasks = std::move(tasks_);
    tasks_.clear();
    next_ = 0;
    for (auto& t : tasks) {
        if (!t->completion_) {
            t->completeWith(std::make_exception_ptr(SchedulerStopped()),
                            Outcome<void>(Failure(SchedulerStopped())));
        }
    }
    call_.cancel();
    call_ = DelayedCall();
}

} // namespace spider
