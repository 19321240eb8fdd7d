#!/usr/bin/env bash
# Bad input is refused with file, line, column and reason, and nothing of it is
# stored; the spool folder works as well as `vouchctl ingest`; exit codes are
# INTERFACE.md's; a vouchd whose database is down queues files and loses none.
. "$(dirname "$0")/lib.sh"
stack_up --workers 1
seed=$fixtures/seed-case/ledger-2022.csv
work=$state/work
mkdir -p "$work"

# a bad amount on line 4: refused, named, nothing stored, moved to rejected/
sed '4s/,12500.00,/,"12,3a4.00",/' "$seed" >"$work/bad.csv"
set +e
ctl ingest "$work/bad.csv" >"$work/out" 2>"$work/err"; rc=$?
set -e
cat "$work/err"
expect_eq "refused file exits 1" 1 $rc
grep -qF 'bad.csv:4: column 借方金额: "12,3a4.00" is not an amount' "$work/err" || fail "error names file, line, column and reason"
ok "error names file, line, column and reason"
expect_eq "nothing stored: ledgers" 0 "$(sql "SELECT count(*) FROM ledgers")"
expect_eq "nothing stored: lines" 0 "$(sql "SELECT count(*) FROM lines")"
[ -f "$state/spool/rejected/bad.csv" ] || fail "rejected/bad.csv"
grep -qF 'is not an amount' "$state/spool/rejected/bad.csv.error" || fail "rejected/bad.csv.error"
ok "moved to rejected/ with its .error"
json=$(ctl ingest --format json "$work/bad.csv" 2>/dev/null || true)
expect_eq "json status rejected" rejected "$(echo "$json" | jq -r .status)"
echo "$json" | jq -r .error | grep -qF 'column 借方金额' || fail "json error names the column"

# a file without a unit column: refused without --org, stored with it
cut -d, -f2- "$seed" >"$work/no-org.csv"
set +e
ctl ingest "$work/no-org.csv" 2>"$work/err"; rc=$?
set -e
expect_eq "no unit and no --org exits 1" 1 $rc
grep -q "no unit" "$work/err" || fail "says there is no unit"
out=$(ctl ingest --wait --org 测试单位 --format json "$work/no-org.csv")
expect_eq "--org names the unit" accepted "$(echo "$out" | jq -r .status)"
expect_eq "org stored" 测试单位 "$(sql "SELECT o.name FROM ledgers l JOIN orgs o USING (org_id)")"
expect_eq "all findings of the org" 21 "$(ctl flags --org 测试单位 --format json | jq length)"

# the spool: a file moved in is stored and analysed like an upload
sed 's/永州市人力资源和社会保障局/永州市某局/' "$seed" >"$work/drop.csv"
mv "$work/drop.csv" "$state/spool/drop.csv"
for _ in $(seq 1 300); do
    [ "$(sql "SELECT count(*) FROM ledgers l JOIN orgs o USING (org_id) WHERE o.name = '永州市某局' AND analysed_at IS NOT NULL")" = 1 ] && break
    sleep 0.1
done
expect_eq "spool file stored and analysed" 21 "$(ctl flags --org 永州市某局 --format json | jq length)"
[ ! -e "$state/spool/drop.csv" ] || fail "stored file left the spool"
ok "spool file removed once stored"

# usage errors exit 2
set +e
ctl flags --severity huge >/dev/null 2>&1; expect_eq "bad --severity exits 2" 2 $?
ctl frobnicate >/dev/null 2>&1; expect_eq "unknown command exits 2" 2 $?
ctl ingest >/dev/null 2>&1; expect_eq "ingest without a file exits 2" 2 $?
ctl ingest "$work/missing.csv" >/dev/null 2>&1; expect_eq "unreadable file exits 1" 1 $?
set -e

# database down: a file is queued, not refused, and stored once it is back
as_pg "$pgbin/pg_ctl" -D "$state/pg/data" -m fast -w stop >/dev/null
set +e
ctl flags >/dev/null 2>&1; expect_eq "queries with the database down exit 3" 3 $?
set -e
sed 's/永州市人力资源和社会保障局/永州市另一局/' "$seed" >"$work/later.csv"
out=$(ctl ingest --format json "$work/later.csv")
expect_eq "database down: queued" queued "$(echo "$out" | jq -r .status)"
expect_eq "status says the database is down" down "$(ctl status --format json | jq -r .database.state)"
stack_up >/dev/null
out=$(ctl ingest --wait --format json "$work/later.csv")
expect_eq "after the database is back: stored" 21 "$(ctl flags --org 永州市另一局 --format json | jq length)"

# SIGTERM stops a worker and vouchd cleanly, and then vouchctl says vouchd is down (exit 3)
for p in "$state/run/worker.1.pid" "$state/run/vouchd.pid"; do
    pid=$(cat "$p")
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$pid" 2>/dev/null || fail "$(basename "$p" .pid) still running 5 s after SIGTERM"
done
grep -q "info: stopping" "$state/log/vouchd.log" || fail "vouchd logs its orderly stop"
grep -q "info: stopping" "$state/log/worker.1.log" || fail "the worker logs its orderly stop"
ok "SIGTERM stops vouchd and workers in order"
set +e
ctl status >/dev/null 2>&1; expect_eq "status with vouchd down exits 3" 3 $?
ctl ingest "$seed" >/dev/null 2>&1; expect_eq "ingest with vouchd down exits 3" 3 $?
set -e
