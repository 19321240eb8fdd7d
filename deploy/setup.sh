#!/usr/bin/env bash
# setup.sh: install what vouch needs to build and run (Debian 12), then build it.
# Safe to run again: it installs only what is missing and rebuilds only what changed.
#   deploy/setup.sh [--sanitize]   (--sanitize: also an ASan/UBSan build in build-asan/)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

packages=(build-essential cmake pkg-config libzmq3-dev libpq-dev libcsv-dev libjansson-dev
          libcmocka-dev libutf8proc-dev libssl-dev libzip-dev libexpat1-dev libfreexl-dev libsystemd-dev
          libxlsxwriter-dev libcurl4-openssl-dev postgresql postgresql-contrib acl
          # the tests: workbook fixtures written and vouchctl's workbooks read back, JSON,
          # network namespaces and links for tests/multihost (ip)
          libexcel-writer-xlsx-perl libspreadsheet-writeexcel-perl python3-openpyxl jq iproute2 nftables)
. "$top/deploy/packages.sh"
ensure_packages setup "${packages[@]}"
# Debian's postgresql package starts a cluster of its own; vouch runs a private
# one under its state folder and needs none of it.

werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S "$top" -B "$top/build" -DVOUCH_WERROR=$werror -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" >/dev/null
if [ "${1:-}" = "--sanitize" ]; then
    cmake -S "$top" -B "$top/build-asan" -DVOUCH_WERROR=$werror -DVOUCH_SANITIZE=ON \
        -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build "$top/build-asan" -j"$(nproc)" >/dev/null
fi
echo "setup: built $top/build/bin/{vouchd,vouch-worker,vouchctl}"
