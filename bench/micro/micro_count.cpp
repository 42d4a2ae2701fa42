// Runs one operation of micro_ops.h a given number of times and nothing else, for counting
// instructions with callgrind, which (unlike a clock) is not disturbed by other processes:
//     micro_count OPERATION N
// bench/micro/count runs it under callgrind for N = 0 and a large N; the difference divided
// by N is the cost of one operation, set-up excluded.
#include "micro_ops.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: micro_count fire_one_callback|chain_10_callbacks|"
                             "await_ready_deferred|generator_yield N\n");
        return 2;
    }
    const char* op = argv[1];
    spider::bench::CountedLoop loop(std::strtoll(argv[2], nullptr, 10));
    if (std::strcmp(op, "fire_one_callback") == 0) {
        spider::bench::fireOneCallback(loop);
    } else if (std::strcmp(op, "chain_10_callbacks") == 0) {
        spider::bench::chainTenCallbacks(loop);
    } else if (std::strcmp(op, "await_ready_deferred") == 0) {
        spider::bench::awaitReadyDeferred(&loop);
    } else if (std::strcmp(op, "generator_yield") == 0) {
        spider::bench::generatorYield(&loop);
    } else {
        std::fprintf(stderr, "micro_count: unknown operation %s\n", op);
        return 2;
    }
    return 0;
}
