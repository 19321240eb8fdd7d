#!/usr/bin/env bash
# Workers started before vouchd, and after it: they connect whenever vouchd
# comes, batches wait for workers, and both ledgers end as a clean run's.
. "$(dirname "$0")/lib_fault.sh"
conf
stack_up --workers 1
reference
"$VOUCH_SOURCE/deploy/stack.sh" down "$state" >/dev/null

# workers first: vouchd (and its database) come two seconds later
early=()
for i in 1 2; do
    "$VOUCH_BIN/vouch-worker" --home "$state" --id "early-$i" >>"$state/log/early.$i.log" 2>&1 &
    early+=($!)
done
sleep 2
stack_up --workers 0 >/dev/null
deadline=$((SECONDS + 20))
until [ "$(ctl status --format json | jq '.workers.count')" -ge 2 ]; do
    [ $SECONDS -lt $deadline ] || fail "the early workers never reached vouchd"
    sleep 0.2
done
ok "workers started before vouchd reach it"
ledger 先启动单位 "$work/early.csv"
ctl ingest --wait --timeout 300 "$work/early.csv" >/dev/null
settle 先启动单位 $SECONDS
kill -TERM "${early[@]}"
wait "${early[@]}" 2>/dev/null || true

# workers last: the ledger is stored and waits; workers come two seconds later
ledger 后启动单位 "$work/late.csv"
ctl ingest --timeout 300 "$work/late.csv" >/dev/null
wait_for "the ledger stored" \
    "SELECT count(*) FROM ledgers l JOIN orgs o USING (org_id) WHERE o.name = '后启动单位'"
sleep 2
expect_eq "no batch done without a worker" 0 \
    "$(sql "SELECT count(*) FROM batches b JOIN orgs o USING (org_id) WHERE o.name = '后启动单位' AND b.state = 'done'")"
stack_up --workers 2 >/dev/null
settle 后启动单位 $SECONDS
