#pragma once
// co_await on a Deferred<T> (and on a Task<T>, which is one): the coroutine continues with
// the Deferred's result, or the Failure's exception is thrown at the co_await.
//
// Awaiting consumes the result, as Twisted's ensureDeferred does: afterwards the Deferred's
// chain carries void. Awaiting a Deferred whose chain does not end in T (for instance one
// already awaited) throws std::logic_error at the co_await.
//
// An already-fired Deferred is awaited without suspending (a few nanoseconds, no
// allocation). Otherwise the coroutine suspends with a step at the end of the Deferred's
// chain; while suspended it holds no reference to the Deferred, so:
//   - a Task waiting on a Deferred that is destroyed without firing can never resume: its
//     frame is destroyed then (RAII cleanup runs) and the Task never fires;
//   - an AsyncGenerator in that state stays suspended until it is destroyed.
// `co_await d` on an lvalue needs d to stay alive (it is usually a local of the frame);
// `co_await f()` on a temporary keeps it alive until it fires.
#include "coro/scheduler.h"
#include "deferred/deferred.h"

#include <coroutine>
#include <stdexcept>
#include <type_traits>

namespace spider::detail {

// Promise types whose coroutines can be cancelled while suspended (Task, AsyncGenerator):
// the awaiter a coroutine is suspended on registers how to cancel what it waits for.
struct CancellablePromise {
    void (*cancelHook)(void*) = nullptr;
    void* cancelArg = nullptr;
    // Set by a cancel that found nothing to cancel: the next suspension cancels its
    // Deferred at once.
    bool cancelRequested = false;

    // Must not touch *this after calling the hook: cancelling may resume the coroutine,
    // which may finish and destroy its frame.
    void requestCancel() {
        if (void (*hook)(void*) = cancelHook) {
            hook(cancelArg);
            return;
        }
        cancelRequested = true;
    }
};

template <class P>
constexpr bool destroyFrameWhenAbandoned() {
    if constexpr (requires { P::kDestroyFrameWhenAbandoned; }) {
        return P::kDestroyFrameWhenAbandoned;
    } else {
        return false;
    }
}

template <class T>
class DeferredAwaiter {
public:
    // owned: the awaiter holds a reference to core until it suspends (awaiting a temporary).
    DeferredAwaiter(Core* core, bool owned) : core_(core), owned_(owned) {
        if (!core_) {
            throwMovedFrom();
        }
        if (core_->tailType != typeTag<T>()) {
            if (owned_) {
                unref(core_);
            }
            throw std::logic_error(
                "co_await on a Deferred whose result was already consumed (awaited, chained) "
                "or whose chain changed type: await the handle the last addCallback returned");
        }
    }
    DeferredAwaiter(const DeferredAwaiter&) = delete;
    DeferredAwaiter& operator=(const DeferredAwaiter&) = delete;
    ~DeferredAwaiter() {
        if (suspended_) {
            if (step_) {
                // The frame is being destroyed while suspended here (an AsyncGenerator
                // closed mid-await): the step stays in the chain but no longer resumes
                // anything.
                step_->awaiter = nullptr;
                if (promise_) {
                    promise_->cancelHook = nullptr;
                }
            }
            slot_.~Box();
        }
        if (owned_) {
            unref(core_);
        }
    }

    bool await_ready() const noexcept { return core_->ready(); }

    template <class P>
    void await_suspend(std::coroutine_handle<P> h) {
        Core* core = core_;
        auto* step = newStep<AwaitStep>(*core);
        step->act = &AwaitStep::actImpl;
        step->awaiter = this;
        step->handle = h;
        if constexpr (destroyFrameWhenAbandoned<P>()) {
            step->abandon = &destroyFrame;
        }
        ::new (static_cast<void*>(&slot_)) Box();
        suspended_ = true;
        step_ = step;
        core->tailType = typeTag<void>();
        appendStep(*core, step); // the Deferred is not ready: the step cannot run now
        bool cancelNow = false;
        if constexpr (std::is_base_of_v<CancellablePromise, P>) {
            CancellablePromise& p = h.promise();
            promise_ = &p;
            p.cancelHook = &cancelThunk;
            p.cancelArg = this;
            cancelNow = std::exchange(p.cancelRequested, false);
        }
        // From here on, cancelling or releasing may resume or destroy this coroutine:
        // nothing below may touch *this.
        bool owned = std::exchange(owned_, false);
        if (cancelNow) {
            if (!owned) {
                ref(core);
            }
            cancelCore(*core);
            unref(core);
        } else if (owned) {
            unref(core);
        }
    }

    T await_resume() {
        if (suspended_) {
            if (promise_) {
                promise_->cancelHook = nullptr;
            }
            return take(slot_);
        }
        core_->tailType = typeTag<void>();
        return take(core_->result);
    }

private:
    // The awaited result: the value, or the failure's exception thrown. Leaves void behind.
    static T take(Box& box) {
        if constexpr (std::is_void_v<T>) {
            if (box.isFailure()) {
                raiseFailure(box);
            }
            box.setVoid();
        } else {
            if (box.template holds<T>()) {
                return box.template takeAndSetVoid<T>();
            }
            if (box.isFailure()) {
                raiseFailure(box);
            }
            throw std::logic_error("co_await: the Deferred's result is not a value of the "
                                   "awaited type (it was consumed elsewhere)");
        }
    }
    [[noreturn]] static void raiseFailure(Box& box) {
        Failure failure = std::move(box.failure());
        box.setVoid();
        failure.raise();
    }

    struct AwaitStep final : Step {
        DeferredAwaiter* awaiter = nullptr;
        std::coroutine_handle<> handle;
        void (*abandon)(std::coroutine_handle<>) noexcept = nullptr;

        static Core* actImpl(Step* s, Core& core, StepAction action) noexcept {
            auto* self = static_cast<AwaitStep*>(s);
            DeferredAwaiter* a = self->awaiter;
            std::coroutine_handle<> h = self->handle;
            auto abandon = self->abandon;
            freeStep(core, self);
            if (action == StepAction::kDiscard) {
                if (a) {
                    // Destroyed without running: the Deferred died unfired.
                    a->step_ = nullptr;
                    a->core_ = nullptr;
                    if (a->promise_) {
                        a->promise_->cancelHook = nullptr;
                    }
                    if (abandon) {
                        abandon(h);
                    }
                }
                return nullptr;
            }
            if (!a) {
                // The awaiting frame is gone: pass failures on (so they are not lost),
                // drop values.
                if (!core.result.isFailure()) {
                    core.result.setVoid();
                }
                return nullptr;
            }
            a->step_ = nullptr;
            if (a->promise_) {
                // A cancel from now until the coroutine runs applies to its next await.
                a->promise_->cancelHook = nullptr;
            }
            a->slot_.takeFrom(core.result);
            core.result.setVoid();
            resumeCoroutine(h);
            return nullptr;
        }
    };

    static void destroyFrame(std::coroutine_handle<> h) noexcept { h.destroy(); }
    static void cancelThunk(void* self) {
        auto* a = static_cast<DeferredAwaiter*>(self);
        if (Core* core = a->core_) {
            cancelCore(*core);
        }
    }

    Core* core_;
    bool owned_;
    bool suspended_ = false;
    AwaitStep* step_ = nullptr;
    CancellablePromise* promise_ = nullptr;
    // Where the result waits for the coroutine to run after a suspension; constructed when
    // it suspends (an await that does not suspend pays nothing for it).
    union {
        Box slot_;
    };
};

} // namespace spider::detail

namespace spider {

template <class T>
detail::DeferredAwaiter<T> operator co_await(Deferred<T>&& d) {
    return detail::DeferredAwaiter<T>(detail::DeferredAccess::release(std::move(d)), true);
}
template <class T>
detail::DeferredAwaiter<T> operator co_await(Deferred<T>& d) {
    return detail::DeferredAwaiter<T>(detail::DeferredAccess::core(d), false);
}
template <class T>
detail::DeferredAwaiter<T> operator co_await(const Deferred<T>& d) {
    return detail::DeferredAwaiter<T>(detail::DeferredAccess::core(d), false);
}

} // namespace spider
