#!/usr/bin/env bash
# What a careful review found, kept fixed: a file the database refuses does not
# hold up the files behind it; the same unit-less file for two units is two
# ledgers; a GBK file name is no crash; a refusal among several files leaves
# the others right; vouchd killed during `ingest --wait` gives exit 3, not a
# hang, and after a restart the unanswered batches are analysed.
. "$(dirname "$0")/lib.sh"
stack_up --workers 2
seed=$fixtures/seed-case/ledger-2022.csv
work=$state/work
mkdir -p "$work"

# the database refuses this file (an index row too big), the reader does not
long=$(head -c 6000 /dev/urandom | base64 -w0 | tr -d '+/=')   # incompressible: no index takes it
sed "4s|YZCG-2021-0457|$long|" "$seed" | sed 's/永州市人力资源和社会保障局/永州市甲局/' >"$work/db-refuses.csv"
sed 's/永州市人力资源和社会保障局/永州市乙局/' "$seed" >"$work/good.csv"
set +e
out=$(ctl ingest --format json "$work/db-refuses.csv" "$work/good.csv" 2>"$work/err"); rc=$?
set -e
expect_eq "a refusal among the files exits 1" 1 $rc
expect_eq "first refused" rejected "$(echo "$out" | sed -n 1p | jq -r .status)"
expect_eq "second stored" accepted "$(echo "$out" | sed -n 2p | jq -r .status)"
grep -q "db-refuses.csv" "$work/err" || fail "the refusal names the file"
[ -f "$state/spool/rejected/db-refuses.csv" ] || fail "moved to rejected/"
expect_eq "status: database up" up "$(ctl status --format json | jq -r .database.state)"
expect_eq "nothing of the refused file" 0 "$(sql "SELECT count(*) FROM ledgers l JOIN orgs o USING (org_id) WHERE o.name = '永州市甲局'")"

# one unit-less file, two units: two ledgers; the same unit again: a duplicate
cut -d, -f2- "$seed" >"$work/no-unit.csv"
a=$(ctl ingest --wait --org 丙单位 --format json "$work/no-unit.csv")
b=$(ctl ingest --wait --org 丁单位 --format json "$work/no-unit.csv")
c=$(ctl ingest --wait --org 丙单位 --format json "$work/no-unit.csv")
expect_eq "first unit" accepted "$(echo "$a" | jq -r .status)"
expect_eq "second unit: its own ledger" accepted "$(echo "$b" | jq -r .status)"
expect_eq "first unit again: duplicate" duplicate "$(echo "$c" | jq -r .status)"
expect_eq "duplicate of the first unit's ledger" "$(echo "$a" | jq .ledger_id)" "$(echo "$c" | jq .ledger_id)"
expect_eq "each unit has its findings" 21 "$(ctl flags --org 丁单位 --format json | jq length)"

# a file name in GBK bytes: stored, and the JSON output stays JSON
gbk_name=$(printf '%s/\xb2\xe2\xca\xd4.csv' "$work")
sed 's/永州市人力资源和社会保障局/永州市戊局/' "$seed" >"$gbk_name"
out=$(ctl ingest --format json "$gbk_name")
expect_eq "GBK-named file accepted" accepted "$(echo "$out" | jq -r .status)"

# vouchd killed while `ingest --wait` waits on stopped workers: exit 3, promptly
for p in "$state"/run/worker.*.pid; do kill -STOP "$(cat "$p")"; done
sed 's/永州市人力资源和社会保障局/永州市己局/' "$seed" >"$work/during-kill.csv"
start=$SECONDS
( set +e; ctl ingest --wait --timeout 120 "$work/during-kill.csv" >/dev/null 2>&1; echo $? >"$work/rc" ) &
waiter=$!
for _ in $(seq 1 100); do
    [ "$(sql "SELECT count(*) FROM ledgers l JOIN orgs o USING (org_id) WHERE o.name = '永州市己局'")" = 1 ] && break
    sleep 0.1
done
kill -KILL "$(cat "$state/run/vouchd.pid")"
wait "$waiter"
expect_eq "ingest --wait exits 3 when vouchd dies" 3 "$(cat "$work/rc")"
[ $((SECONDS - start)) -lt 60 ] || fail "vouchctl took $((SECONDS - start)) s to notice"
ok "noticed in $((SECONDS - start)) s"
for p in "$state"/run/worker.*.pid; do kill -CONT "$(cat "$p")"; done
stack_up >/dev/null
out=$(ctl ingest --wait --timeout 120 --format json "$work/during-kill.csv")
expect_eq "after the restart: the earlier copy is it" duplicate "$(echo "$out" | jq -r .status)"
expect_eq "and its analysis finished" 21 "$(echo "$out" | jq .findings)"
