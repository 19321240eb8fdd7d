#!/usr/bin/env bash
# `vouchctl check` reads a file as vouchd would and stores nothing, with no
# vouchd, database or state folder: layout, header, counts, balance, and which
# rules could run (coverage); refusals name file, line and column. Then
# `show --ledger` of stored ledgers lists the same coverage.
. "$(dirname "$0")/lib.sh"
seed=$fixtures/seed-case/ledger-2022.csv
work=$state/work
mkdir -p "$work"
# check on its own: no VOUCH_HOME, no --home, nothing running
check() { env -u VOUCH_HOME "$VOUCH_BIN/vouchctl" check "$@"; }

# the seed case: 200 lines, 97 vouchers, balanced, all seven rules can run
out=$(check --format json "$seed")
expect_eq "status" ok "$(echo "$out" | jq -r .status)"
expect_eq "shape" csv "$(echo "$out" | jq -r .shape)"
expect_eq "encoding" UTF-8 "$(echo "$out" | jq -r .encoding)"
expect_eq "delimiter" , "$(echo "$out" | jq -r .delimiter)"
expect_eq "header line" 1 "$(echo "$out" | jq .header_line)"
expect_eq "header cells" 24 "$(echo "$out" | jq '.header | length')"
expect_eq "审批日期 maps" approval_date "$(echo "$out" | jq -r '.header[] | select(.header == "审批日期") | .field')"
expect_eq "lines" 200 "$(echo "$out" | jq .lines)"
expect_eq "dropped" 0 "$(echo "$out" | jq .dropped)"
expect_eq "vouchers" 97 "$(echo "$out" | jq .vouchers)"
expect_eq "unit" '["永州市人力资源和社会保障局"]' "$(echo "$out" | jq -c .units)"
expect_eq "periods" 12 "$(echo "$out" | jq '.periods | length')"
expect_eq "dates" "2022-01-03 2022-12-28" "$(echo "$out" | jq -r '"\(.date_from) \(.date_to)"')"
expect_eq "balanced" true "$(echo "$out" | jq .balanced)"
expect_eq "debits are credits" true "$(echo "$out" | jq '.debit == .credit')"
expect_eq "the seven per-line rules and four of PostgreSQL's run" 11 "$(echo "$out" | jq '[.coverage[] | select(.runs)] | length')"
expect_eq "only PREPARER_IS_REVIEWER left out (no 制单人, 审核人)" '["PREPARER_IS_REVIEWER"]' "$(echo "$out" | jq -c '[.coverage[] | select(.runs | not) | .rule]')"
expect_eq "names both columns" "not run (missing: 制单人/preparer, 审核人/reviewer)" "$(echo "$out" | jq -r '.coverage[] | select(.rule == "PREPARER_IS_REVIEWER") | .status')"
expect_eq "DUPLICATE_PAYMENT without invoice numbers runs in part" '["invoice_no"]' "$(echo "$out" | jq -c '[.coverage[] | select(.rule == "DUPLICATE_PAYMENT") | .without[].fields]')"
table=$(check "$seed")
grep -qE '^lines +200 read, 0 summary rows dropped$' <<<"$table" || fail "table: lines"
grep -qE '^vouchers +97$' <<<"$table" || fail "table: vouchers"
grep -qE '^balance +balanced$' <<<"$table" || fail "table: balance"
grep -qE '^RETROACTIVE_APPROVAL +runs$' <<<"$table" || fail "table: coverage"
grep -qE '^SPLIT_PURCHASE +runs$' <<<"$table" || fail "table: SPLIT_PURCHASE"
grep -qF 'DUPLICATE_PAYMENT     runs (without: 发票号/invoice_no)' <<<"$table" || fail "table: DUPLICATE_PAYMENT in part"
grep -qE '^ +22 +审批日期 +approval_date$' <<<"$table" || fail "table: header cell 22"
ok "the table says the same"

# without 审批日期 (the column renamed to one no field knows): the file still
# reads, RETROACTIVE_APPROVAL is not run and names the missing column
sed '1s/审批日期/核准备注/' "$seed" >"$work/no-approval.csv"
out=$(check --format json "$work/no-approval.csv")
expect_eq "still reads" ok "$(echo "$out" | jq -r .status)"
expect_eq "kept as extra" true "$(echo "$out" | jq '.header[] | select(.header == "核准备注") | .extra')"
expect_eq "RETROACTIVE_APPROVAL not run" false "$(echo "$out" | jq '.coverage[] | select(.rule == "RETROACTIVE_APPROVAL") | .runs')"
expect_eq "names the column" '["approval_date"]' "$(echo "$out" | jq -c '[.coverage[] | select(.rule == "RETROACTIVE_APPROVAL") | .missing[].fields]')"
expect_eq "the others run" '["RETROACTIVE_APPROVAL","PREPARER_IS_REVIEWER"]' "$(echo "$out" | jq -c '[.coverage[] | select(.runs | not) | .rule]')"
check "$work/no-approval.csv" | grep -qF 'RETROACTIVE_APPROVAL  not run (missing: 审批日期/approval_date)' || fail "table names 审批日期"
ok "the table names 审批日期/approval_date"

# a broken file: exit 1, FILE:LINE: column NAME: reason on stderr
sed '4s/,12500.00,/,"12,3a4.00",/' "$seed" >"$work/bad.csv"
set +e
check "$work/bad.csv" >"$work/out" 2>"$work/err"; rc=$?
set -e
expect_eq "refused exits 1" 1 $rc
grep -qF "$work/bad.csv:4: column 借方金额: \"12,3a4.00\" is not an amount" "$work/err" || { cat "$work/err"; fail "error names file, line, column and reason"; }
ok "error names file, line, column and reason"
set +e
json=$(check --format json "$work/bad.csv" "$seed" 2>/dev/null); rc=$?
set -e
expect_eq "one bad file of two exits 1" 1 $rc
expect_eq "json: refused, then ok" "refused ok" "$(echo "$json" | jq -r .status | xargs)"

# usage and a missing file, without a state folder
set +e
check >/dev/null 2>&1; rc=$?
expect_eq "no file is wrong usage" 2 $rc
check --format csv "$seed" >/dev/null 2>&1; rc=$?
expect_eq "--format csv is wrong usage" 2 $rc
check "$work/absent.csv" >/dev/null 2>"$work/err"; rc=$?
set -e
expect_eq "a missing file is refused" 1 $rc
grep -qF "absent.csv: cannot open" "$work/err" || fail "says it cannot open"
expect_eq "check --help" 0 "$(check --help >/dev/null; echo $?)"

# JSON Lines: documents count for STALE_DOCUMENT
out=$(check --format json "$fixtures/seed-case/ledger-2022.jsonl")
expect_eq "jsonl shape" jsonl "$(echo "$out" | jq -r .shape)"
expect_eq "jsonl vouchers" 97 "$(echo "$out" | jq .vouchers)"
expect_eq "jsonl documents" true "$(echo "$out" | jq .documents)"

# nothing was stored and nothing was started: the state folder is untouched
expect_eq "state folder untouched" "work" "$(ls "$state")"

# show --ledger lists coverage, from the columns stored with the ledger
stack_up --workers 1
id=$(ctl ingest --wait --format json "$seed" | jq .ledger_id)
cov=$(ctl show --format json --ledger "$id" | jq -c '[.coverage[] | [.rule, .runs]]')
expect_eq "stored seed case: all run but PREPARER_IS_REVIEWER" '["PREPARER_IS_REVIEWER"]' "$(echo "$cov" | jq -c '[.[] | select(.[1] | not) | .[0]]')"
ctl show --ledger "$id" | grep -qE '^SEQUENCE_GAP +runs$' || fail "show table lists the rules PostgreSQL runs"
id2=$(ctl ingest --wait --format json "$work/no-approval.csv" | jq .ledger_id)
show=$(ctl show --format json --ledger "$id2")
expect_eq "stored: RETROACTIVE_APPROVAL not run" "not run (missing: 审批日期/approval_date)" "$(echo "$show" | jq -r '.coverage[] | select(.rule == "RETROACTIVE_APPROVAL") | .status')"
expect_eq "stored: no RETROACTIVE_APPROVAL findings" 0 "$(echo "$show" | jq '[.findings_by_rule[] | select(.rule == "RETROACTIVE_APPROVAL")] | length')"
ctl show --ledger "$id2" | grep -qE '^RETROACTIVE_APPROVAL +not run \(missing: 审批日期/approval_date\)$' || fail "show table lists coverage"
ok "show --ledger lists coverage"
