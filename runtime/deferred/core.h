#pragma once
// Private machinery behind Deferred<T> (deferred.h): the one reference-counted, type-erased
// state object a Deferred's typed handles share (Core), the box its current result lives in,
// the callback steps, and Twisted's iterative callback loop. Single-threaded: reference
// counts are plain integers.
#include "deferred/failure.h"
#include "deferred/pool.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace spider::detail {

class Core;

// A unique address per type: what a Deferred records as the type of its result.
template <class T>
struct TypeTagHolder {
    static constexpr char tag = 0;
};
template <class T>
constexpr const void* typeTag() noexcept {
    return &TypeTagHolder<T>::tag;
}

// ---- Box: a type-erased result (a value of some T, void, or a Failure) -------------------

struct BoxOps {
    // Nothing to do on destruction (void, or a trivially destructible value stored inline).
    bool trivial;
    void (*destroy)(unsigned char* storage) noexcept;
    // Move-constructs the object at `from` into `to` and destroys the one at `from`.
    void (*relocate)(unsigned char* from, unsigned char* to) noexcept;
};

inline constexpr std::size_t kBoxInline = 32;

template <class T>
inline constexpr bool kBoxStoresInline = sizeof(T) <= kBoxInline &&
                                         alignof(T) <= alignof(std::max_align_t) &&
                                         std::is_nothrow_move_constructible_v<T>;

template <class T>
struct BoxOpsFor {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
                  "over-aligned types cannot be Deferred results");
    static void destroy(unsigned char* s) noexcept {
        if constexpr (kBoxStoresInline<T>) {
            std::launder(reinterpret_cast<T*>(s))->~T();
        } else {
            T* p;
            std::memcpy(&p, s, sizeof p);
            p->~T();
            poolDeallocate(p, sizeof(T));
        }
    }
    static void relocate(unsigned char* from, unsigned char* to) noexcept {
        if constexpr (kBoxStoresInline<T>) {
            T* f = std::launder(reinterpret_cast<T*>(from));
            ::new (static_cast<void*>(to)) T(std::move(*f));
            f->~T();
        } else {
            std::memcpy(to, from, sizeof(T*));
        }
    }
    static constexpr BoxOps ops{kBoxStoresInline<T> && std::is_trivially_destructible_v<T>,
                                &destroy, &relocate};
};

inline void voidBoxDestroy(unsigned char*) noexcept {}
inline void voidBoxRelocate(unsigned char*, unsigned char*) noexcept {}
inline constexpr BoxOps kVoidBoxOps{true, &voidBoxDestroy, &voidBoxRelocate};

class Box {
public:
    Box() noexcept = default;
    Box(const Box&) = delete;
    Box& operator=(const Box&) = delete;
    ~Box() { reset(); }

    bool empty() const noexcept { return ops_ == nullptr; }
    // Empty, or holding something whose destruction does nothing.
    bool trivial() const noexcept { return !nonTrivial_; }
    bool isVoid() const noexcept { return ops_ == &kVoidBoxOps; }
    bool isFailure() const noexcept { return ops_ == &BoxOpsFor<Failure>::ops; }

    template <class T>
    T& get() noexcept {
        if constexpr (kBoxStoresInline<T>) {
            return *std::launder(reinterpret_cast<T*>(storage_));
        } else {
            T* p;
            std::memcpy(&p, storage_, sizeof p);
            return *p;
        }
    }
    Failure& failure() noexcept { return get<Failure>(); }
    template <class T>
    bool holds() const noexcept {
        if constexpr (std::is_void_v<T>) {
            return isVoid();
        } else {
            return ops_ == &BoxOpsFor<T>::ops;
        }
    }
    // Moves the T out and leaves void behind (the type is known: no indirect call).
    template <class T>
    T takeAndSetVoid() noexcept(std::is_nothrow_move_constructible_v<T>) {
        T out(std::move(get<T>()));
        destroyAs<T>();
        ops_ = &kVoidBoxOps;
        return out;
    }
    // Destroys the T it holds and leaves it empty (the type is known: no indirect call).
    // Precondition: holds<T>().
    template <class T>
    void destroyAs() noexcept {
        if constexpr (!std::is_void_v<T>) {
            T& ref = get<T>();
            ref.~T();
            if constexpr (!kBoxStoresInline<T>) {
                poolDeallocate(&ref, sizeof(T));
            }
        }
        ops_ = nullptr;
        nonTrivial_ = false;
    }

    // Precondition: empty().
    template <class T, class... A>
    void emplace(A&&... args) {
        if constexpr (std::is_void_v<T>) {
            ops_ = &kVoidBoxOps;
        } else if constexpr (kBoxStoresInline<T>) {
            ::new (static_cast<void*>(storage_)) T(std::forward<A>(args)...);
            ops_ = &BoxOpsFor<T>::ops;
            if constexpr (!BoxOpsFor<T>::ops.trivial) {
                nonTrivial_ = true; // it was false: the box was empty
            }
        } else {
            void* mem = poolAllocate(sizeof(T));
            T* p;
            try {
                p = ::new (mem) T(std::forward<A>(args)...);
            } catch (...) {
                poolDeallocate(mem, sizeof(T));
                throw;
            }
            std::memcpy(storage_, &p, sizeof p);
            ops_ = &BoxOpsFor<T>::ops;
            nonTrivial_ = true;
        }
    }
    void setVoid() noexcept {
        reset();
        ops_ = &kVoidBoxOps;
    }
    void reset() noexcept {
        const BoxOps* ops = ops_;
        ops_ = nullptr;
        if (nonTrivial_) {
            nonTrivial_ = false;
            ops->destroy(storage_);
        }
    }
    // Precondition: empty(). Moves other's content here; other becomes empty.
    void takeFrom(Box& other) noexcept {
        if (const BoxOps* ops = other.ops_) {
            ops->relocate(other.storage_, storage_);
            ops_ = ops;
            nonTrivial_ = other.nonTrivial_;
            other.ops_ = nullptr;
            other.nonTrivial_ = false;
        }
    }

private:
    alignas(std::max_align_t) unsigned char storage_[kBoxInline];
    const BoxOps* ops_ = nullptr;
    // ops_->trivial negated, kept here (in what would be padding) so that the checks on the
    // hot paths need no dependent load.
    bool nonTrivial_ = false;
};

// ---- Steps: one (callback, errback) pair of a chain, type-erased --------------------------

enum class StepAction {
    kRun,     // run it on the chain's current result, then free it
    kDiscard, // free it without running it (its Deferred is being destroyed)
};

struct Step {
    Step* next = nullptr;
    // kRun: runs on the core's current result, leaves the new result in it and frees the
    // step (before returning). Returns a Core (with a reference for the caller) when the
    // callback returned a Deferred the chain must wait for. kDiscard: frees the step; returns
    // null. Never throws: exceptions become Failures. One function for both, so a step costs
    // one indirect call. Null for a ContinuationStep.
    Core* (*act)(Step* self, Core& core, StepAction action) noexcept = nullptr;
};

// Twisted's _CONTINUE: sits in the chain of a Deferred that a callback of `chainee`
// returned; when reached, hands the result over to chainee and resumes its chain.
struct ContinuationStep final : Step {
    Core* chainee = nullptr; // owns a reference
};

// Constructs an S in pool memory (steps, cancellers).
template <class S, class... A>
S* poolNew(A&&... args) {
    void* mem = poolAllocate(sizeof(S));
    try {
        return ::new (mem) S(std::forward<A>(args)...);
    } catch (...) {
        poolDeallocate(mem, sizeof(S));
        throw;
    }
}

template <class S>
void poolDelete(S* s) noexcept {
    s->~S();
    poolDeallocate(s, sizeof(S));
}

struct Canceller {
    void (*call)(Canceller* self, Core& core) = nullptr;
    void (*destroy)(Canceller* self) noexcept = nullptr;
};

// ---- Core ---------------------------------------------------------------------------------

// Every Deferred has room for one small step inline (most chains are one callback, or one
// awaiting coroutine): the step then costs no allocation.
inline constexpr std::size_t kStepSlotSize = 48;
inline constexpr std::size_t kStepSlotAlign = 16;

class Core {
public:
    enum Flag : std::uint32_t {
        kCalled = 1u << 0,
        kSuppressAlreadyCalled = 1u << 1, // cancelled without canceller: eat one late fire
        kRunning = 1u << 2,               // inside one of its callbacks
        kCancelHandled = 1u << 3,         // the canceller decides the outcome (Tasks)
        kDying = 1u << 4,
        kStepSlotUsed = 1u << 5, // stepSlot holds a step of the chain
    };

    explicit Core(const void* type) noexcept : inputType(type), tailType(type) {}
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    static Core* create(const void* type) {
        return ::new (poolAllocate(sizeof(Core))) Core(type);
    }

    bool called() const noexcept { return flags & kCalled; }
    // The result at the end of the chain is available now: fired, not waiting on another
    // Deferred or paused, not inside one of its own callbacks.
    bool ready() const noexcept { return (flags & (kCalled | kRunning)) == kCalled && !paused; }

    Box result;
    std::uint32_t refs = 1;
    std::uint32_t paused = 0;
    std::uint32_t flags = 0;
    const void* inputType; // what callback() takes
    const void* tailType;  // what the next callback added receives
    Step* head = nullptr;
    Step* tail = nullptr;
    Core* chainedTo = nullptr; // weak: the Deferred this one waits on (for cancel())
    Canceller* canceller = nullptr;
    alignas(kStepSlotAlign) unsigned char stepSlot[kStepSlotSize];
};

template <class S>
inline constexpr bool kFitsStepSlot = sizeof(S) <= kStepSlotSize && alignof(S) <= kStepSlotAlign;

// Constructs a step of core's chain: in its slot when that is free, else in pool memory.
template <class S, class... A>
S* newStep(Core& core, A&&... args) {
    if constexpr (kFitsStepSlot<S>) {
        if (!(core.flags & Core::kStepSlotUsed)) {
            S* s = ::new (static_cast<void*>(core.stepSlot)) S(std::forward<A>(args)...);
            core.flags |= Core::kStepSlotUsed;
            return s;
        }
    }
    return poolNew<S>(std::forward<A>(args)...);
}

// Destroys and frees a step newStep made for core.
template <class S>
void freeStep(Core& core, S* s) noexcept {
    s->~S();
    if constexpr (kFitsStepSlot<S>) {
        if (static_cast<void*>(s) == static_cast<void*>(core.stepSlot)) {
            core.flags &= ~Core::kStepSlotUsed;
            return;
        }
    }
    poolDeallocate(s, sizeof(S));
}

void destroyCore(Core* core) noexcept;

inline void ref(Core* core) noexcept { ++core->refs; }
inline void unref(Core* core) noexcept {
    if (--core->refs == 0) {
        if (!core->head && !core->canceller && !(core->flags & Core::kDying) &&
            core->result.trivial()) {
            // The common case: a fired Deferred that owns nothing.
            poolDeallocate(core, sizeof(Core));
            return;
        }
        destroyCore(core);
    }
}

// Twisted's _runCallbacks: runs as much of the chain as can run now, following returned
// Deferreds with an explicit stack (never recursion).
void runCallbacks(Core& core);

inline void appendStep(Core& core, Step* step) noexcept {
    if (core.tail) {
        core.tail->next = step;
    } else {
        core.head = step;
    }
    core.tail = step;
}

// Adds a step and runs it at once if the Deferred already fired.
inline void addStep(Core& core, Step* step) {
    appendStep(core, step);
    if (core.ready()) {
        runCallbacks(core);
    }
}

// Before storing a result: throws AlreadyCalledError if the Deferred already fired, returns
// false for the one late fire that a cancel without canceller swallows.
bool beginFireSlow(Core& core);
inline bool beginFire(Core& core) {
    if (!(core.flags & Core::kCalled)) {
        return true;
    }
    return beginFireSlow(core);
}
// After storing a result: marks it fired and runs the chain.
inline void finishFire(Core& core) {
    core.flags |= Core::kCalled;
    runCallbacks(core);
}
void failCore(Core& core, Failure failure);

void cancelCore(Core& core);

[[noreturn]] void throwTypeMismatch(const std::type_info& type);
[[noreturn]] void throwMovedFrom();

} // namespace spider::detail
