#!/usr/bin/env bash
# run_fuzzer.sh FUZZER CORPUS_DIR SECONDS SEED_DIR...
# Copies every .spider file under the seed dirs into a fresh CORPUS_DIR (in the build tree)
# and runs the fuzzer on it for SECONDS. Exits non-zero on any crash, leak, timeout or OOM.
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3
shift 3
rm -rf "$corpus"
mkdir -p "$corpus"
n=0
for dir in "$@"; do
    while IFS= read -r -d '' f; do
        cp "$f" "$corpus/seed-$n.spider"
        n=$((n + 1))
    done < <(find "$dir" -name '*.spider' -type f -print0)
done
echo "fuzzing with $n seeds for ${seconds}s"
cd "$corpus/.."
exec "$fuzzer" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len=65536 -print_final_stats=1
