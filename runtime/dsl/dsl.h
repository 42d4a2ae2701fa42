#pragma once
// The one header spiderc's generated code includes: the Spider contract (crawler/spider.h)
// and the spider language's built-ins (builtins.h, crawl.h, values.h). Kept to what
// generated code needs, because every generated crawler compiles it.
#include "dsl/builtins.h"
#include "dsl/crawl.h"
#include "dsl/values.h"
