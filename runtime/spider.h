#pragma once
// The runtime's core in one include: reactor, Deferreds and coroutines.
#include "reactor/clock.h"
#include "reactor/reactor.h"
#include "reactor/reactor_time.h"

#include "deferred/cooperator.h"
#include "deferred/defer_later.h"
#include "deferred/deferred.h"
#include "deferred/deferred_list.h"
#include "deferred/errors.h"
#include "deferred/failure.h"
#include "deferred/looping_call.h"
#include "deferred/sync.h"
#include "deferred/unhandled_error.h"

#include "coro/async_generator.h"
#include "coro/gather.h"
#include "coro/run.h"
#include "coro/sleep.h"
#include "coro/task.h"
