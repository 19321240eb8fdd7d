#!/usr/bin/env bash
# test.sh: install what is missing, build (with -Werror under CI), and run the
# whole test suite against a real PostgreSQL and real ZeroMQ sockets; then the
# unit and integration tests once more under AddressSanitizer and UBSan, and
# the libFuzzer targets for 20 seconds each (deploy/fuzz.sh SECONDS for longer).
#   deploy/test.sh [--quick]   (--quick: skip the sanitizer and fuzzing passes)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
quick=${1:-}
if [ "$quick" = "--quick" ]; then "$top/deploy/setup.sh"; else "$top/deploy/setup.sh" --sanitize; fi
cd "$top/build"
ctest --output-on-failure --timeout 900 -j2
if [ "$quick" != "--quick" ]; then
    echo "== again under AddressSanitizer and UBSan"
    cd "$top/build-asan"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --output-on-failure --timeout 900 -j2 -L 'unit|integration|security'
    echo "== the parsers under libFuzzer"
    "$top/deploy/fuzz.sh" 20
fi
