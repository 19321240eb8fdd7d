#!/usr/bin/env bash
# quickstart.sh: from a fresh clone to flagged voucher lines. Installs what is
# missing, builds, starts a private PostgreSQL, vouchd and two workers under
# DIR (default: ./state), ingests the sample ledger (the seed case: a 2022
# evaluation of a municipal bureau) and prints what vouch flagged.
#   deploy/quickstart.sh [DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/state}
"$top/deploy/setup.sh"
"$top/deploy/stack.sh" up "$dir" --workers 2
export VOUCH_HOME=$dir
ctl=$top/build/bin/vouchctl
sample=$top/tests/fixtures/seed-case/ledger-2022.csv
echo
echo "== vouchctl ingest --wait $sample"
"$ctl" ingest --wait "$sample"
echo
echo "== vouchctl flags --group-by rule"
"$ctl" flags --group-by rule
echo
echo "== vouchctl flags"
"$ctl" flags
echo
echo "Next: $ctl show FINDING_ID   (the voucher behind a finding)"
echo "      $ctl flags --format json | csv, --rule, --severity, --from/--to"
echo "      deploy/stack.sh down $dir   (stops everything; the data stays)"
