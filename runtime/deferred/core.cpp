#include "deferred/core.h"

#include "deferred/errors.h"
#include "deferred/unhandled_error.h"

#include <cxxabi.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace spider::detail {

namespace {

// Cores whose last reference went away while another Core was being destroyed. Destroying a
// Core destroys its steps, which may release further Cores (a long chain of waiting
// Deferreds, a coroutine frame): queueing them here keeps destruction iterative.
thread_local constinit Core* tlsDeadHead = nullptr;
thread_local constinit bool tlsDestroying = false;

void discardContinuation(ContinuationStep* step, Core& core) noexcept {
    if (Core* chainee = step->chainee) {
        // Never reached: the Deferred waited on is gone, so chainee can no longer resume.
        chainee->chainedTo = nullptr;
        unref(chainee);
    }
    freeStep(core, step);
}

void destroyOne(Core* core) noexcept {
    if (core->result.isFailure()) {
        reportUnhandledError(core->result.failure());
    }
    Step* step = core->head;
    core->head = core->tail = nullptr;
    while (step) {
        Step* next = step->next;
        if (step->act) {
            step->act(step, *core, StepAction::kDiscard);
        } else {
            discardContinuation(static_cast<ContinuationStep*>(step), *core);
        }
        step = next;
    }
    if (Canceller* c = core->canceller) {
        core->canceller = nullptr;
        c->destroy(c);
    }
    core->~Core();
    poolDeallocate(core, sizeof(Core));
}

// The chain stack of runCallbacks: Deferreds whose chains are being run, innermost last.
// Most fires never chain, so the first few entries live on the C++ stack.
class ChainStack {
public:
    ChainStack() = default;
    ChainStack(const ChainStack&) = delete;
    ChainStack& operator=(const ChainStack&) = delete;

    bool empty() const noexcept { return size_ == 0; }
    Core* back() const noexcept { return size_ <= kInline ? inline_[size_ - 1] : spill_.back(); }
    void push(Core* c) {
        if (size_ < kInline) {
            inline_[size_] = c;
        } else {
            spill_.push_back(c);
        }
        ++size_;
    }
    void pop() noexcept {
        if (size_ > kInline) {
            spill_.pop_back();
        }
        --size_;
    }

private:
    static constexpr std::size_t kInline = 8;
    Core* inline_[kInline];
    std::vector<Core*> spill_;
    std::size_t size_ = 0;
};

void returnedSelf(Core& core) {
    core.result.reset();
    core.result.emplace<Failure>(
        Failure(std::make_exception_ptr(std::logic_error(
                    "a Deferred's callback returned that same Deferred (a cycle)")),
                "running Deferred callbacks"));
}

} // namespace

void destroyCore(Core* core) noexcept {
    if (core->flags & Core::kDying) {
        return;
    }
    if (!core->head && !core->canceller && core->result.trivial()) {
        // The common case (a fired Deferred whose result was consumed): nothing it owns
        // can release another Core.
        poolDeallocate(core, sizeof(Core));
        return;
    }
    core->flags |= Core::kDying;
    if (tlsDestroying) {
        // chainedTo is free: a Core nobody references waits on nothing.
        core->chainedTo = tlsDeadHead;
        tlsDeadHead = core;
        return;
    }
    tlsDestroying = true;
    while (core) {
        destroyOne(core);
        core = tlsDeadHead;
        if (core) {
            tlsDeadHead = core->chainedTo;
        }
    }
    tlsDestroying = false;
}

namespace {

// Runs step on current; handles a returned Deferred. Returns false when current must stop
// (it now waits on the returned Deferred).
bool chainReturned(Core* current, Core* inner);

inline bool runStep(Core* current, Step* step) {
    current->flags |= Core::kRunning;
    Core* inner = step->act(step, *current, StepAction::kRun);
    current->flags &= ~Core::kRunning;
    return !inner || chainReturned(current, inner);
}

// A step returned the Deferred inner: take its result, or wait for it.
bool chainReturned(Core* current, Core* inner) {
    if (inner == current) {
        unref(inner);
        returnedSelf(*current);
        return true;
    }
    if (!inner->ready()) {
        // The returned Deferred has not fired (or is itself waiting): pause until it does,
        // through a continuation at the end of its chain.
        ContinuationStep* cont;
        try {
            cont = newStep<ContinuationStep>(*inner);
        } catch (...) {
            unref(inner);
            current->result.reset();
            current->result.emplace<Failure>(Failure::fromCurrentException("chaining Deferreds"));
            return true;
        }
        ++current->paused;
        current->chainedTo = inner;
        ref(current);
        cont->chainee = current;
        appendStep(*inner, cont);
        inner->tailType = typeTag<void>(); // Twisted leaves None in it
        unref(inner);
        return false;
    }
    // It already fired: take its result.
    current->result.reset();
    current->result.takeFrom(inner->result);
    inner->result.setVoid();
    inner->tailType = typeTag<void>();
    unref(inner);
    return true;
}

// The general loop, once a continuation is reached: a stack of Deferreds whose chains run,
// innermost last.
[[gnu::noinline]] void runChain(Core* self) {
    ChainStack chain;
    chain.push(self); // takes the caller's reference
    while (!chain.empty()) {
        Core* current = chain.back();
        if (current->paused) {
            // Twisted returns here: this Deferred resumes the rest when it is unpaused.
            while (!chain.empty()) {
                unref(chain.back());
                chain.pop();
            }
            return;
        }
        bool finished = true;
        current->chainedTo = nullptr;
        while (Step* step = current->head) {
            current->head = step->next;
            if (!current->head) {
                current->tail = nullptr;
            }
            if (!step->act) {
                // A continuation: hand the result to the Deferred waiting for us, run its
                // chain, then come back to ours.
                auto* cont = static_cast<ContinuationStep*>(step);
                Core* chainee = cont->chainee;
                cont->chainee = nullptr;
                freeStep(*current, cont);
                chainee->result.reset();
                chainee->result.takeFrom(current->result);
                current->result.setVoid();
                --chainee->paused;
                chain.push(chainee); // takes the continuation's reference
                finished = false;
                break;
            }
            if (!runStep(current, step)) {
                break;
            }
        }
        if (finished) {
            chain.pop();
            unref(current);
        }
    }
}

} // namespace

void runCallbacks(Core& self) {
    if (self.flags & Core::kRunning) {
        return; // the loop already running this chain will get to the new steps
    }
    // Fast path: this Deferred's own steps. Only a continuation (another Deferred waiting
    // for this one) needs the general loop with its stack.
    ref(&self);
    self.chainedTo = nullptr;
    while (!self.paused) {
        Step* step = self.head;
        if (!step) {
            break;
        }
        if (!step->act) {
            runChain(&self);
            return;
        }
        self.head = step->next;
        if (!self.head) {
            self.tail = nullptr;
        }
        if (!runStep(&self, step)) {
            break;
        }
    }
    unref(&self);
}

bool beginFireSlow(Core& core) {
    if (core.flags & Core::kSuppressAlreadyCalled) {
        core.flags &= ~Core::kSuppressAlreadyCalled;
        return false;
    }
    throw AlreadyCalledError();
}

void failCore(Core& core, Failure failure) {
    if (!beginFire(core)) {
        return;
    }
    core.result.reset();
    core.result.emplace<Failure>(std::move(failure));
    finishFire(core);
}

void cancelCore(Core& start) {
    // A fired Deferred waiting on a returned one forwards the cancel to it (Twisted recurses;
    // we walk the chain, which may be long).
    Core* core = &start;
    while (core->called() && core->chainedTo) {
        core = core->chainedTo;
    }
    if (core->called() || (core->flags & Core::kDying)) {
        return;
    }
    ref(core);
    if (Canceller* c = core->canceller) {
        try {
            c->call(c, *core);
        } catch (...) {
            unref(core);
            throw;
        }
    } else {
        core->flags |= Core::kSuppressAlreadyCalled;
    }
    if (!core->called() && !(core->flags & Core::kCancelHandled)) {
        failCore(*core, Failure(CancelledError(), "cancelling a Deferred"));
    }
    unref(core);
}

void throwTypeMismatch(const std::type_info& type) {
    int status = 0;
    char* name = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
    std::string what = status == 0 && name ? name : type.name();
    std::free(name);
    throw std::logic_error(detail::concat(
        {"Deferred<", what,
         "> handle used on a chain whose result type differs: after a callback changes the "
         "type (or co_await/chaining consumes the result), continue through the handle that "
         "call returned"}));
}

void throwMovedFrom() {
    throw std::logic_error("use of a moved-from Deferred handle");
}

} // namespace spider::detail
