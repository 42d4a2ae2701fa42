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
    bool trivial() const noexcept { return !ops_ || ops_->trivial; }
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
        T& ref = get<T>();
        T out(std::move(ref));
        if constexpr (kBoxStoresInline<T>) {
            ref.~T();
        } else {
            ref.~T();
            poolDeallocate(&ref, sizeof(T));
        }
        ops_ = &kVoidBoxOps;
        return out;
    }

    // Precondition: empty().
    template <class T, class... A>
    void emplace(A&&... args) {
        if constexpr (std::is_void_v<T>) {
            ops_ = &kVoidBoxOps;
        } else if constexpr (kBoxStoresInline<T>) {
            ::new (static_cast<void*>(storage_)) T(std::forward<A>(args)...);
            ops_ = &BoxOpsFor<T>::ops;
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
        }
    }
    void setVoid() noexcept {
        reset();
        ops_ = &kVoidBoxOps;
    }
    void reset() noexcept {
        const BoxOps* ops = ops_;
        ops_ = nullptr;
        if (ops && !ops->trivial) {
            ops->destroy(storage_);
        }
    }
    // Precondition: empty(). Moves other's content here; other becomes empty.
    void takeFrom(Box& other) noexcept {
        if (const BoxOps* ops = other.ops_) {
            ops->relocate(other.storage_, storage_);
            ops_ = ops;
            other.ops_ = nullptr;
        }
    }

private:
    alignas(std::max_align_t) unsigned char storage_[kBoxInline];
    const BoxOps* ops_ = nullptr;
};

// ---- Steps: one (callback, errback) pair of a chain, type-erased --------------------------

struct Step {
    Step* next = nullptr;
    // Runs on the core's current result and leaves the new result in it. Returns a Core (with
    // a reference for the caller) when the callback returned a Deferred the chain must wait
    // for. Never throws: exceptions become Failures. Null for a ContinuationStep.
    Core* (*run)(Step* self, Core& core) noexcept = nullptr;
    // Destroys and frees the step, whether it ran or not.
    void (*destroy)(Step* self) noexcept = nullptr;
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
void deleteStep(Step* step) noexcept {
    S* s = static_cast<S*>(step);
    s->~S();
    poolDeallocate(s, sizeof(S));
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

class Core {
public:
    enum Flag : std::uint32_t {
        kCalled = 1u << 0,
        kSuppressAlreadyCalled = 1u << 1, // cancelled without canceller: eat one late fire
        kRunning = 1u << 2,               // inside one of its callbacks
        kCancelHandled = 1u << 3,         // the canceller decides the outcome (Tasks)
        kDying = 1u << 4,
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

    std::uint32_t refs = 1;
    std::uint32_t paused = 0;
    std::uint32_t flags = 0;
    const void* inputType; // what callback() takes
    const void* tailType;  // what the next callback added receives
    Step* head = nullptr;
    Step* tail = nullptr;
    Core* chainedTo = nullptr; // weak: the Deferred this one waits on (for cancel())
    Canceller* canceller = nullptr;
    Box result;
};

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
