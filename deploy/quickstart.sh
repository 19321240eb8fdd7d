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
echo "== vouchctl flags --group-by rule --sort -amount"
"$ctl" flags --group-by rule --sort -amount
echo
echo "== vouchctl flags"
"$ctl" flags
echo
echo
echo "== vouchctl report sangong --org 永州市人力资源和社会保障局 --year 2022"
"$ctl" report sangong --org 永州市人力资源和社会保障局 --year 2022
echo
echo "Next: $ctl show FINDING_ID   (the voucher behind a finding, its history)"
echo "      $ctl flags --format xlsx -o 底稿.xlsx --sheet-per-rule   (for the working papers)"
echo "      $ctl review FINDING_ID --confirm --note TEXT   (first, once: $ctl user add vouch --person 姓名)"
echo "      $ctl flags --format json | csv, --rule, --severity, --period 2022-03, --from/--to, --sort"
echo "      deploy/stack.sh down $dir   (stops everything; the data stays)"
