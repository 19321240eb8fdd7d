#!/usr/bin/env bash
# SIGKILL of vouchd mid-ingest, then a restart: once while the file is being
# stored (the transaction is lost, the spool keeps the file, and it is stored
# again), once while its batches are out (they are sent again). Both ledgers
# end as a clean run's.
. "$(dirname "$0")/lib_fault.sh"
conf
stack_up --workers 2
reference

# 1. while COPY streams the lines
ledger 存储中断单位 "$work/store.csv"
ctl ingest --wait --timeout 300 "$work/store.csv" >"$work/out1" 2>&1 &
client=$!
wait_for "COPY of the ledger's lines" \
    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY lines%'"
kill -KILL "$(pid_of vouchd)"
ok "vouchd killed while storing"
wait $client && fail "ingest --wait should fail when vouchd dies" || true
expect_eq "nothing of the file stored" 0 \
    "$(sql "SELECT count(*) FROM ledgers l JOIN orgs o USING (org_id) WHERE o.name = '存储中断单位'")"
[ -n "$(ls "$state/spool/" | grep -v rejected)" ] || fail "the spool lost the file"
ok "the file waits in the spool"
stack_up --workers 2 >/dev/null
settle 存储中断单位 $SECONDS

# 2. while its batches are out
ledger 分派中断单位 "$work/dispatch.csv"
ctl ingest --wait --timeout 300 "$work/dispatch.csv" >"$work/out2" 2>&1 &
client=$!
wait_for "the first batches of the ledger to be done" \
    "SELECT count(*) FROM batches b JOIN orgs o USING (org_id) WHERE o.name = '分派中断单位' AND b.state = 'done'"
kill -KILL "$(pid_of vouchd)"
ok "vouchd killed with batches out"
wait $client || true
stack_up --workers 2 >/dev/null
settle 分派中断单位 $SECONDS
