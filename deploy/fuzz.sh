#!/usr/bin/env bash
# fuzz.sh: build the libFuzzer targets (tests/fuzz) with clang, AddressSanitizer
# and UBSan in build-fuzz/, and run each for SECONDS on its seed corpus. Fails on
# any crash, leak, sanitizer report or hang; libFuzzer leaves the reproducer in
# build-fuzz/crashes/ (replay: build-fuzz/fuzz/TARGET build-fuzz/crashes/FILE; keep it
# as a regression seed in tests/fuzz/corpus/TARGET/regress-NAME).
#   deploy/fuzz.sh [SECONDS]   (default 30 per target)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-30}
case $secs in '' | *[!0-9]*)
    echo "usage: deploy/fuzz.sh [SECONDS]" >&2
    exit 2
    ;;
esac
# clang and its libFuzzer runtime, installed as setup.sh installs the rest
packages=(clang libclang-rt-14-dev)
. "$top/deploy/packages.sh"
ensure_packages fuzz.sh "${packages[@]}"
cc=$(command -v clang || command -v clang-14)
build=$top/build-fuzz
targets="fuzz_csv_import fuzz_jsonl_import fuzz_sheet fuzz_wire"

cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVOUCH_FUZZ=ON -DVOUCH_SANITIZE=ON >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $targets >/dev/null

mkdir -p "$build/crashes"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for t in $targets; do
    # inputs found while fuzzing go to build-fuzz/corpus/ (kept between runs,
    # never committed); the seeds in tests/fuzz/corpus/ stay small
    mkdir -p "$build/corpus/$t"
    log=$build/$t.log
    echo "== $t for ${secs}s"
    rc=0
    "$build/fuzz/$t" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
        "$build/corpus/$t" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    echo "   ${runs:-?} runs, ${speed:-?} exec/s, ${cov:-cov: ?} edges, exit $rc"
    if [ "$rc" -ne 0 ]; then
        failed=1
        echo "   FAILED: the end of $log:" >&2
        tail -n 40 "$log" >&2
        ls -t "$build/crashes/$t-"* 2>/dev/null | head -n 3 | sed 's/^/   reproducer: /' >&2
    fi
done
exit $failed
