#pragma once
// Deferred<T>: Twisted's Deferred, typed.
//
// A Deferred is a result that is not there yet, plus a chain of (callback, errback) pairs
// that run, synchronously and in order, once it is. Twisted's rules hold exactly:
//   - callback(v) / errback(f) fire it once (twice: AlreadyCalledError); callbacks run on a
//     value, errbacks on a Failure, each pair seeing the previous pair's output;
//   - a callback that throws or returns a Failure switches the chain to its errbacks; an
//     errback that returns a value switches it back; addBoth runs on either;
//   - adding a pair to a Deferred that already fired runs it at once;
//   - a callback that returns a Deferred (or a Task) pauses the chain until that one fires,
//     then continues with its result; this is flattened by an explicit loop, so a chain of
//     a million such Deferreds fires at constant stack depth;
//   - cancel() calls the canceller given at construction (if any) and, unless that fired
//     the Deferred, errbacks it with CancelledError; without a canceller, the first late
//     callback()/errback() afterwards is silently ignored (the second is
//     AlreadyCalledError); cancelling a Deferred that waits on a returned Deferred cancels
//     that one instead;
//   - a Deferred destroyed while its result is a Failure reports "Unhandled error in
//     Deferred" to the thread's UnhandledErrorSink (unhandled_error.h).
//
// Types. A Deferred is one shared object; Deferred<T> is a cheap, copyable handle to it
// (intrusive, non-atomic reference count: a Deferred belongs to one thread). T is the type
// the next callback added will receive: the type at the END of the chain. A callback may
// change that type, so every add* returns the handle to keep using:
//     Deferred<int> d;
//     Deferred<std::string> s = d.addCallback([](int n) { return std::to_string(n); });
//     d.callback(42);               // d still fires the chain: it takes an int
//     s.addCallback(print);         // adding goes through the handle of the chain's end
// Adding through a handle whose T no longer matches the chain's end (above: d.addCallback
// after the type changed) throws std::logic_error; callback() checks its argument against
// the type the chain started with. A callback returning R leaves the chain carrying:
//     void -> void;  U -> U;  Deferred<U> / Task<U> -> U (after waiting);
//     Outcome<U> -> U (or its Failure);  Failure -> unchanged (errbacks run next).
// An errback on a Deferred<T> must produce a T the same way (T, Outcome<T>, Deferred<T>,
// Failure, or nothing for T = void).
//
// A callback receives the value as an rvalue if it can take one (by value, T&&, const T&),
// else as T&; a callable taking no arguments is also accepted (the value is dropped).
// An errback receives the Failure (Failure, const Failure& or Failure&&) or nothing; addBoth
// receives an Outcome<T> or nothing.
//
// Consuming the result. Like Twisted, whoever takes the result leaves void behind: after
// `co_await d` (coro/task.h), after d was returned from another Deferred's callback, and in
// a DeferredList, d's chain carries void (its remaining callbacks see no value).
#include "deferred/core.h"
#include "deferred/errors.h"
#include "deferred/failure.h"
#include "reactor/reactor_time.h"

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace spider {

template <class T>
class Deferred;

// A value or a Failure: what addBoth callbacks receive, and what DeferredList collects.
template <class T>
class Outcome {
public:
    // Two overloads rather than one by value: a value moved into an Outcome is moved once,
    // not twice (a Response with its Request costs hundreds of instructions per move).
    Outcome(const T& value) : v_(std::in_place_index<0>, value) {}
    Outcome(T&& value) : v_(std::in_place_index<0>, std::move(value)) {}
    Outcome(Failure failure) : v_(std::in_place_index<1>, std::move(failure)) {}

    bool ok() const noexcept { return v_.index() == 0; }
    bool failed() const noexcept { return v_.index() == 1; }
    // The value; rethrows the failure's exception if there is none.
    T& value() & {
        if (failed()) {
            std::get<1>(v_).raise();
        }
        return std::get<0>(v_);
    }
    const T& value() const& {
        if (failed()) {
            std::get<1>(v_).raise();
        }
        return std::get<0>(v_);
    }
    T&& value() && { return std::move(value()); }
    // The failure; std::logic_error if this holds a value.
    Failure& failure() {
        if (ok()) {
            throw std::logic_error("Outcome holds a value, not a Failure");
        }
        return std::get<1>(v_);
    }
    const Failure& failure() const { return const_cast<Outcome*>(this)->failure(); }

private:
    std::variant<T, Failure> v_;
};

template <>
class Outcome<void> {
public:
    Outcome() = default;
    Outcome(Failure failure) : failure_(std::move(failure)) {}

    bool ok() const noexcept { return !failure_; }
    bool failed() const noexcept { return failure_.has_value(); }
    void value() const {
        if (failure_) {
            failure_->raise();
        }
    }
    Failure& failure() {
        if (!failure_) {
            throw std::logic_error("Outcome holds a value, not a Failure");
        }
        return *failure_;
    }
    const Failure& failure() const { return const_cast<Outcome*>(this)->failure(); }

private:
    std::optional<Failure> failure_;
};

namespace detail {

struct AdoptRef {};
inline constexpr AdoptRef kAdoptRef{};

// Types that a callback may return to make the chain wait (Deferred<U>; Task<U> adds itself
// in coro/task.h). release() hands over the Core reference.
template <class R>
struct DeferredTraits {
    static constexpr bool kIsDeferred = false;
};
template <class U>
struct DeferredTraits<Deferred<U>> {
    static constexpr bool kIsDeferred = true;
    using value_type = U;
    static Core* release(Deferred<U>&& d);
};

template <class R>
struct OutcomeTraits {
    static constexpr bool kIsOutcome = false;
};
template <class U>
struct OutcomeTraits<Outcome<U>> {
    static constexpr bool kIsOutcome = true;
    using value_type = U;
};

// What the chain carries after a callback returning R, when it carried T before.
template <class R, class T, class = void>
struct ChainTypeImpl {
    using type = R;
};
template <class T>
struct ChainTypeImpl<void, T> {
    using type = void;
};
template <class T>
struct ChainTypeImpl<Failure, T> {
    using type = T;
};
template <class R, class T>
struct ChainTypeImpl<R, T, std::enable_if_t<OutcomeTraits<R>::kIsOutcome>> {
    using type = typename OutcomeTraits<R>::value_type;
};
template <class R, class T>
struct ChainTypeImpl<R, T, std::enable_if_t<DeferredTraits<R>::kIsDeferred>> {
    using type = typename DeferredTraits<R>::value_type;
};
template <class R, class T>
using ChainType = typename ChainTypeImpl<std::decay_t<R>, T>::type;

// The result type of callback f on a chain carrying T (see the header comment for how the
// value is passed).
template <class T, class F>
constexpr auto callbackResultProbe() {
    if constexpr (std::is_void_v<T>) {
        static_assert(std::is_invocable_v<F&>, "a callback on Deferred<void> takes no arguments");
        return std::type_identity<std::invoke_result_t<F&>>{};
    } else if constexpr (std::is_invocable_v<F&, T&&>) {
        return std::type_identity<std::invoke_result_t<F&, T&&>>{};
    } else if constexpr (std::is_invocable_v<F&, T&>) {
        return std::type_identity<std::invoke_result_t<F&, T&>>{};
    } else {
        static_assert(std::is_invocable_v<F&>,
                      "a callback on Deferred<T> must take a T (or nothing)");
        return std::type_identity<std::invoke_result_t<F&>>{};
    }
}
template <class T, class F>
using CallbackResult = typename decltype(callbackResultProbe<T, F>())::type;

template <class F>
constexpr auto errbackResultProbe() {
    if constexpr (std::is_invocable_v<F&, Failure&&>) {
        return std::type_identity<std::invoke_result_t<F&, Failure&&>>{};
    } else if constexpr (std::is_invocable_v<F&, Failure&>) {
        return std::type_identity<std::invoke_result_t<F&, Failure&>>{};
    } else {
        static_assert(std::is_invocable_v<F&>, "an errback must take a Failure (or nothing)");
        return std::type_identity<std::invoke_result_t<F&>>{};
    }
}
template <class F>
using ErrbackResult = typename decltype(errbackResultProbe<F>())::type;

template <class T, class F>
constexpr auto bothResultProbe() {
    if constexpr (std::is_invocable_v<F&, Outcome<T>&&>) {
        return std::type_identity<std::invoke_result_t<F&, Outcome<T>&&>>{};
    } else {
        static_assert(std::is_invocable_v<F&>, "addBoth takes an Outcome<T> (or nothing)");
        return std::type_identity<std::invoke_result_t<F&>>{};
    }
}
template <class T, class F>
using BothResult = typename decltype(bothResultProbe<T, F>())::type;

inline void setCurrentFailure(Core& core) noexcept {
    core.result.reset();
    core.result.emplace<Failure>(Failure::fromCurrentException("in a Deferred callback"));
}

// Stores what a callback returned as the chain's new result (the box must be empty).
// Returns the Core to wait for when it returned a Deferred.
template <class R>
Core* storeResult(Core& core, R&& r) {
    using D = std::decay_t<R>;
    if constexpr (std::is_same_v<D, Failure>) {
        core.result.emplace<Failure>(std::forward<R>(r));
    } else if constexpr (OutcomeTraits<D>::kIsOutcome) {
        using U = typename OutcomeTraits<D>::value_type;
        if (r.failed()) {
            core.result.emplace<Failure>(std::move(r.failure()));
        } else if constexpr (std::is_void_v<U>) {
            core.result.setVoid();
        } else {
            core.result.emplace<U>(std::move(r).value());
        }
    } else if constexpr (DeferredTraits<D>::kIsDeferred) {
        Core* inner = DeferredTraits<D>::release(std::move(r));
        if (!inner) {
            throw std::logic_error("a callback returned a moved-from Deferred");
        }
        // Its chain must still carry what its type says: one whose result something else
        // took (an await, another chain) carries void, and waiting on it would read a U
        // that is not there.
        if (inner->tailType != typeTag<typename DeferredTraits<D>::value_type>()) {
            unref(inner);
            throw std::logic_error("a callback returned a Deferred whose result was already "
                                   "taken (awaited, or returned from another callback)");
        }
        return inner;
    } else {
        core.result.emplace<D>(std::forward<R>(r));
    }
    return nullptr;
}

// What invokeAndStore finds in the box when the caller already emptied it.
struct EmptyBox {};

// Calls f(args...) (which may refer into the box, holding a Held) and stores its result.
// Knowing Held, the old result is destroyed without an indirect call.
template <class Held, class F, class... A>
Core* invokeAndStore(Core& core, F& f, A&&... args) {
    using R = std::invoke_result_t<F&, A...>;
    if constexpr (std::is_void_v<R>) {
        std::invoke(f, std::forward<A>(args)...);
        if constexpr (!std::is_same_v<Held, EmptyBox>) {
            core.result.destroyAs<Held>();
        }
        core.result.emplace<void>();
        return nullptr;
    } else {
        std::decay_t<R> r = std::invoke(f, std::forward<A>(args)...);
        if constexpr (!std::is_same_v<Held, EmptyBox>) {
            core.result.destroyAs<Held>();
        }
        return storeResult(core, std::move(r));
    }
}

// Precondition: the box holds a T (the chain carries T and is not failing).
template <class T, class F>
Core* callWithValue(Core& core, F& f) {
    if constexpr (std::is_void_v<T>) {
        return invokeAndStore<void>(core, f);
    } else if constexpr (std::is_invocable_v<F&, T&&>) {
        return invokeAndStore<T>(core, f, std::move(core.result.get<T>()));
    } else if constexpr (std::is_invocable_v<F&, T&>) {
        return invokeAndStore<T>(core, f, core.result.get<T>());
    } else {
        return invokeAndStore<T>(core, f);
    }
}

// Precondition: the box holds a Failure.
template <class F>
Core* callWithFailure(Core& core, F& f) {
    if constexpr (std::is_invocable_v<F&, Failure&&>) {
        return invokeAndStore<Failure>(core, f, std::move(core.result.failure()));
    } else if constexpr (std::is_invocable_v<F&, Failure&>) {
        return invokeAndStore<Failure>(core, f, core.result.failure());
    } else {
        return invokeAndStore<Failure>(core, f);
    }
}

template <class T>
Outcome<T> takeOutcome(Core& core) {
    // The box is emptied after the returned Outcome is built from it: every return below is
    // a prvalue, so the value is moved once, straight into the caller's Outcome.
    struct EmptyAfter {
        Core& core;
        ~EmptyAfter() { core.result.reset(); }
    } emptyAfter{core};
    if (core.result.isFailure()) {
        return Outcome<T>(std::move(core.result.failure()));
    }
    if constexpr (std::is_void_v<T>) {
        return Outcome<void>();
    } else {
        return Outcome<T>(std::move(core.result.get<T>()));
    }
}

template <class T, class F>
Core* callWithOutcome(Core& core, F& f) {
    if constexpr (std::is_invocable_v<F&, Outcome<T>&&>) {
        Outcome<T> o = takeOutcome<T>(core);
        return invokeAndStore<EmptyBox>(core, f, std::move(o));
    } else {
        core.result.reset();
        return invokeAndStore<EmptyBox>(core, f);
    }
}

// The act function (core.h) of a step type S, whose run(Core&) does the work.
template <class S>
Core* actOn(Step* s, Core& core, StepAction action) noexcept {
    auto* self = static_cast<S*>(s);
    Core* inner = nullptr;
    if (action == StepAction::kRun) {
        try {
            inner = self->run(core);
        } catch (...) {
            setCurrentFailure(core);
        }
    }
    freeStep(core, self);
    return inner;
}

template <class T, class F>
struct CallbackStep final : Step {
    explicit CallbackStep(F f) : fn(std::move(f)) { act = &actOn<CallbackStep>; }
    Core* run(Core& core) {
        if (core.result.isFailure()) {
            return nullptr;
        }
        return callWithValue<T>(core, fn);
    }
    F fn;
};

template <class F>
struct ErrbackStep final : Step {
    explicit ErrbackStep(F f) : fn(std::move(f)) { act = &actOn<ErrbackStep>; }
    Core* run(Core& core) {
        if (!core.result.isFailure()) {
            return nullptr;
        }
        return callWithFailure(core, fn);
    }
    F fn;
};

template <class T, class F, class G>
struct CallbacksStep final : Step {
    CallbacksStep(F f, G g) : cb(std::move(f)), eb(std::move(g)) {
        act = &actOn<CallbacksStep>;
    }
    Core* run(Core& core) {
        if (core.result.isFailure()) {
            return callWithFailure(core, eb);
        }
        return callWithValue<T>(core, cb);
    }
    F cb;
    G eb;
};

template <class T, class F>
struct BothStep final : Step {
    explicit BothStep(F f) : fn(std::move(f)) { act = &actOn<BothStep>; }
    Core* run(Core& core) { return callWithOutcome<T>(core, fn); }
    F fn;
};

template <class T, class C>
struct TypedCanceller final : Canceller {
    explicit TypedCanceller(C c) : fn(std::move(c)) {
        call = &callImpl;
        destroy = &destroyImpl;
    }
    static void callImpl(Canceller* self, Core& core);
    static void destroyImpl(Canceller* self) noexcept {
        poolDelete(static_cast<TypedCanceller*>(self));
    }
    C fn;
};

// Access to a handle's Core for the runtime's own layers (coroutines, combinators).
struct DeferredAccess {
    template <class T>
    static Core* core(const Deferred<T>& d) noexcept {
        return d.core_;
    }
    template <class T>
    static Core* release(Deferred<T>&& d) noexcept {
        return std::exchange(d.core_, nullptr);
    }
};

struct NoValue {};

} // namespace detail

template <class T>
class Deferred {
    static_assert(!std::is_reference_v<T>, "Deferred<T&> is not supported: use a pointer");
    static_assert(!detail::DeferredTraits<std::decay_t<T>>::kIsDeferred,
                  "Deferred<Deferred<U>> never exists: returning a Deferred chains it");
    using Arg = std::conditional_t<std::is_void_v<T>, detail::NoValue, T>;

public:
    using value_type = T;

    // A new Deferred that has not fired.
    Deferred() : core_(detail::Core::create(detail::typeTag<T>())) {}
    // With a canceller (Twisted's canceller argument): canceller(Deferred<T>&) runs on
    // cancel() while the Deferred has not fired; it may fire it.
    template <class C, class = std::enable_if_t<std::is_invocable_v<C&, Deferred<T>&>>>
    explicit Deferred(C canceller) : Deferred() {
        core_->canceller = detail::poolNew<detail::TypedCanceller<T, C>>(std::move(canceller));
    }
    // Internal: adopts a reference to an existing Deferred.
    Deferred(detail::AdoptRef, detail::Core* core) noexcept : core_(core) {}

    Deferred(const Deferred& other) noexcept : core_(other.core_) {
        if (core_) {
            detail::ref(core_);
        }
    }
    Deferred(Deferred&& other) noexcept : core_(std::exchange(other.core_, nullptr)) {}
    Deferred& operator=(const Deferred& other) noexcept {
        Deferred(other).swap(*this);
        return *this;
    }
    Deferred& operator=(Deferred&& other) noexcept {
        Deferred(std::move(other)).swap(*this);
        return *this;
    }
    ~Deferred() {
        if (core_) {
            detail::unref(core_);
        }
    }
    void swap(Deferred& other) noexcept { std::swap(core_, other.core_); }

    // Fires with a value (AlreadyCalledError if it already fired). A copy and a move
    // overload, not one by value: a moved value is moved once, into the chain.
    void callback(const Arg& value)
        requires(!std::is_void_v<T>)
    {
        fireWith(value);
    }
    void callback(Arg&& value)
        requires(!std::is_void_v<T>)
    {
        fireWith(std::move(value));
    }
    void callback()
        requires std::is_void_v<T>
    {
        checkInput();
        if (!detail::beginFire(*core_)) {
            return;
        }
        core_->result.setVoid();
        detail::finishFire(*core_);
    }
    // Fires with a failure (AlreadyCalledError if it already fired).
    void errback(Failure failure) {
        requireCore();
        detail::failCore(*core_, std::move(failure));
    }
    template <class E, class = std::enable_if_t<std::is_base_of_v<std::exception, std::decay_t<E>>>>
    void errback(E&& exception, SourceLocation where = SourceLocation::current()) {
        errback(Failure(std::forward<E>(exception), where));
    }

    template <class F>
    auto addCallback(F f) -> Deferred<detail::ChainType<detail::CallbackResult<T, F>, T>> {
        using U = detail::ChainType<detail::CallbackResult<T, F>, T>;
        return add<U, detail::CallbackStep<T, F>>(std::move(f));
    }
    template <class F>
    Deferred<T> addErrback(F f) {
        using U = detail::ChainType<detail::ErrbackResult<F>, T>;
        static_assert(std::is_same_v<U, T>,
                      "an errback on Deferred<T> must return T, Outcome<T>, Deferred<T> or "
                      "Failure (or nothing when T is void)");
        return add<T, detail::ErrbackStep<F>>(std::move(f));
    }
    template <class F, class G>
    auto addCallbacks(F callback, G errback)
        -> Deferred<detail::ChainType<detail::CallbackResult<T, F>, T>> {
        using U = detail::ChainType<detail::CallbackResult<T, F>, T>;
        static_assert(std::is_same_v<U, detail::ChainType<detail::ErrbackResult<G>, U>>,
                      "addCallbacks: the errback must produce the callback's result type");
        return add<U, detail::CallbacksStep<T, F, G>>(std::move(callback), std::move(errback));
    }
    template <class F>
    auto addBoth(F f) -> Deferred<detail::ChainType<detail::BothResult<T, F>, T>> {
        using U = detail::ChainType<detail::BothResult<T, F>, T>;
        return add<U, detail::BothStep<T, F>>(std::move(f));
    }
    // Fires `other` with this chain's result (Twisted's chainDeferred); the chain then
    // carries void.
    Deferred<void> chainDeferred(Deferred<T> other) {
        requireCore();
        if (other.core_ == core_) {
            throw std::logic_error("chainDeferred: a Deferred cannot be chained to itself");
        }
        other.core_->chainedTo = core_;
        if constexpr (std::is_void_v<T>) {
            return addCallbacks([other]() mutable { other.callback(); },
                                [other](Failure f) mutable { other.errback(std::move(f)); });
        } else {
            return addCallbacks([other](T v) mutable { other.callback(std::move(v)); },
                                [other](Failure f) mutable { other.errback(std::move(f)); });
        }
    }

    void cancel() {
        requireCore();
        detail::cancelCore(*core_);
    }
    // Stops the chain from running (Twisted's pause/unpause); nests.
    void pause() {
        requireCore();
        ++core_->paused;
    }
    void unpause() {
        requireCore();
        if (core_->paused == 0) {
            throw std::logic_error("unpause() on a Deferred that is not paused");
        }
        if (--core_->paused == 0 && core_->called()) {
            detail::runCallbacks(*core_);
        }
    }

    // Cancels this Deferred if it has not fired `seconds` from now on `clock`; that
    // cancellation then fails with TimeoutError instead of CancelledError (any other
    // cancel() stays CancelledError). Returns *this.
    Deferred& addTimeout(double seconds, ReactorTime& clock);

    // Fired (even if its chain is paused or waiting on another Deferred).
    bool called() const {
        requireCore();
        return core_->called();
    }
    bool paused() const {
        requireCore();
        return core_->paused != 0;
    }
    // The chain's result is available now (fired, not paused, not waiting, not inside one
    // of its own callbacks).
    bool hasResult() const {
        requireCore();
        return core_->ready();
    }
    // hasResult() and the result is a Failure.
    bool hasFailure() const { return hasResult() && core_->result.isFailure(); }
    // False only for a moved-from handle.
    bool valid() const noexcept { return core_ != nullptr; }
    friend bool operator==(const Deferred& a, const Deferred& b) noexcept {
        return a.core_ == b.core_;
    }

private:
    friend struct detail::DeferredAccess;
    template <class U>
    friend class Deferred;

    void requireCore() const {
        if (!core_) {
            detail::throwMovedFrom();
        }
    }
    void checkInput() const {
        requireCore();
        if (core_->inputType != detail::typeTag<T>()) {
            detail::throwTypeMismatch(typeid(T));
        }
    }
    template <class V>
    void fireWith(V&& value) {
        checkInput();
        if (!detail::beginFire(*core_)) {
            return;
        }
        core_->result.reset();
        core_->result.template emplace<T>(std::forward<V>(value));
        detail::finishFire(*core_);
    }
    // Appends a step S(args...) to the chain, which then carries U.
    template <class U, class S, class... A>
    Deferred<U> add(A&&... args) {
        if (!core_ || core_->tailType != detail::typeTag<T>()) {
            requireCore();
            detail::throwTypeMismatch(typeid(T));
        }
        S* step = detail::newStep<S>(*core_, std::forward<A>(args)...);
        core_->tailType = detail::typeTag<U>();
        detail::ref(core_);
        Deferred<U> out(detail::kAdoptRef, core_);
        detail::addStep(*core_, step);
        return out;
    }

    detail::Core* core_;
};

namespace detail {

template <class U>
Core* DeferredTraits<Deferred<U>>::release(Deferred<U>&& d) {
    return DeferredAccess::release(std::move(d));
}

template <class T, class C>
void TypedCanceller<T, C>::callImpl(Canceller* self, Core& core) {
    ref(&core);
    Deferred<T> d(kAdoptRef, &core);
    static_cast<TypedCanceller*>(self)->fn(d);
}

} // namespace detail

template <class T>
Deferred<T>& Deferred<T>::addTimeout(double seconds, ReactorTime& clock) {
    requireCore();
    struct State {
        bool timedOut = false;
        DelayedCall call;
    };
    auto state = std::make_shared<State>();
    // The timer holds the Deferred (as Twisted's closure does) until it runs or is
    // cancelled when the Deferred fires.
    state->call = clock.callLater(seconds, [state, d = Deferred<void>(detail::kAdoptRef,
                                                                      (detail::ref(core_), core_))]() mutable {
        state->timedOut = true;
        d.cancel();
    });
    addBoth([state, seconds](Outcome<T> o) -> Outcome<T> {
        if (state->timedOut && o.failed() && o.failure().template check<CancelledError>()) {
            return Failure(TimeoutError(seconds), "waiting for a Deferred");
        }
        return o;
    });
    addBoth([state](Outcome<T> o) -> Outcome<T> {
        if (state->call.active()) {
            state->call.cancel();
        }
        return o;
    });
    return *this;
}

// A Deferred that already fired with value.
template <class T>
Deferred<std::decay_t<T>> succeed(T&& value) {
    using V = std::decay_t<T>;
    Deferred<V> d;
    detail::Core* core = detail::DeferredAccess::core(d);
    core->result.template emplace<V>(std::forward<T>(value));
    core->flags |= detail::Core::kCalled;
    return d;
}
inline Deferred<void> succeed() {
    Deferred<void> d;
    detail::Core* core = detail::DeferredAccess::core(d);
    core->result.setVoid();
    core->flags |= detail::Core::kCalled;
    return d;
}

// A Deferred that already failed.
template <class T = void>
Deferred<T> fail(Failure failure) {
    Deferred<T> d;
    d.errback(std::move(failure));
    return d;
}
template <class T = void, class E,
          class = std::enable_if_t<std::is_base_of_v<std::exception, std::decay_t<E>>>>
Deferred<T> fail(E&& exception, SourceLocation where = SourceLocation::current()) {
    return fail<T>(Failure(std::forward<E>(exception), where));
}

// Calls f(args...) and wraps what it did in a Deferred (Twisted's maybeDeferred): a returned
// Deferred/Task as is, a value or void as succeed(), an Outcome or Failure as such, and an
// exception as a failed Deferred.
template <class F, class... A>
auto maybeDeferred(F&& f, A&&... args)
    -> Deferred<detail::ChainType<std::invoke_result_t<F, A...>, void>> {
    using R = std::decay_t<std::invoke_result_t<F, A...>>;
    using U = detail::ChainType<R, void>;
    try {
        if constexpr (std::is_void_v<R>) {
            std::invoke(std::forward<F>(f), std::forward<A>(args)...);
            return succeed();
        } else if constexpr (detail::DeferredTraits<R>::kIsDeferred) {
            detail::Core* core =
                detail::DeferredTraits<R>::release(std::invoke(std::forward<F>(f), std::forward<A>(args)...));
            return Deferred<U>(detail::kAdoptRef, core);
        } else if constexpr (std::is_same_v<R, Failure>) {
            return fail<void>(std::invoke(std::forward<F>(f), std::forward<A>(args)...));
        } else if constexpr (detail::OutcomeTraits<R>::kIsOutcome) {
            R r = std::invoke(std::forward<F>(f), std::forward<A>(args)...);
            if (r.failed()) {
                return fail<U>(std::move(r.failure()));
            }
            if constexpr (std::is_void_v<U>) {
                return succeed();
            } else {
                return succeed(std::move(r).value());
            }
        } else {
            return succeed(std::invoke(std::forward<F>(f), std::forward<A>(args)...));
        }
    } catch (...) {
        return fail<U>(Failure::fromCurrentException("in maybeDeferred"));
    }
}

} // namespace spider
