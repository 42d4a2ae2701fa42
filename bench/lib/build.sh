# Shared by bench/crawl/run, bench/fetch/run and bench/scale/run. Sourced, not run.
#
# spider_bench_build BUILD_DIR TARGET...: configures BUILD_DIR as the benchmarks' optimised
# build (-O2, no tests) and builds the targets. TARGET spiderc is built only when the
# compiler configures and builds here; failing that, the benches fall back to the
# hand-written crawler (they say so). -O2, not CMake's Release -O3: g++ 12 at -O3 reports a
# false -Wrestrict in runtime code, and -O2 is what the generated crawlers are built with.

spider_bench_configure() {  # spider_bench_configure BUILD_DIR COMPILER(ON|OFF)
    cmake -S "$SPIDER_ROOT" -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_CXX_COMPILER=g++ \
        -DSPIDER_BUILD_TESTS=OFF -DSPIDER_BUILD_COMPILER="$2" >"$1/bench-configure.log" 2>&1
}

spider_bench_build() {
    local dir=$1; shift
    local targets=() want_spiderc=0 t
    for t in "$@"; do
        if [ "$t" = spiderc ]; then want_spiderc=1; else targets+=("$t"); fi
    done
    mkdir -p "$dir"
    if [ $want_spiderc -eq 1 ] && spider_bench_configure "$dir" ON; then
        echo "==> building spiderc in $dir (for spiderc build samples/quotes.spider)" >&2
        if ! cmake --build "$dir" -j"$SPIDER_JOBS" --target spiderc \
            >"$dir/bench-build-spiderc.log" 2>&1; then
            echo "==> spiderc did not build (see $dir/bench-build-spiderc.log);" \
                "using the fallback crawler" >&2
        fi
    elif ! spider_bench_configure "$dir" OFF; then
        cat "$dir/bench-configure.log" >&2
        return 1
    fi
    echo "==> building ${targets[*]} in $dir" >&2
    # A crawler that does not build yet is not fatal (the benches report it); the rest is.
    local optional=(cpp_quotes bench_frontier_memory) required=() o
    for t in "${targets[@]}"; do
        local is_optional=0
        for o in "${optional[@]}"; do [ "$t" = "$o" ] && is_optional=1; done
        if [ $is_optional -eq 1 ]; then
            cmake --build "$dir" -j"$SPIDER_JOBS" --target "$t" >"$dir/bench-build-$t.log" 2>&1 ||
                echo "==> $t did not build (see $dir/bench-build-$t.log)" >&2
        else
            required+=("$t")
        fi
    done
    if [ ${#required[@]} -gt 0 ]; then
        cmake --build "$dir" -j"$SPIDER_JOBS" --target "${required[@]}" \
            >"$dir/bench-build.log" 2>&1 || {
            tail -30 "$dir/bench-build.log" >&2
            return 1
        }
    fi
}
