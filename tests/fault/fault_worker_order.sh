#!/usr/bin/env bash
# Workers started before vouchd, and after it: they connect whenever vouchd
# comes, batches wait for workers, and both ledgers end as a clean run's.
. "$(dirname "$0")/lib_fault.sh"
conf
stack_up --workers 1
reference
"$VOUCH_SOURCE/deploy/stack.sh" down "$state" >/dev/null

# workers first: vouchd (and its database) come seven seconds later, long
# enough for the workers to notice its silence (heartbeats both ways)
early=()
for i in 1 2; do
    "$VOUCH_BIN/vouch-worker" --home "$state" --id "early-$i" >>"$state/log/early.$i.log" 2>&1 &
    extra $!
    early+=($!)
done
sleep 7
stack_up --workers 0 >/dev/null
deadline=$((SECONDS + 20))
until [ "$(ctl status --format json | jq '.workers.count')" -ge 2 ]; do
    [ $SECONDS -lt $deadline ] || fail "the early workers never reached vouchd"
    sleep 0.2
done
ok "workers started before vouchd reach it"
grep -q "no word from vouchd" "$state/log/early.1.log" || fail "the worker did not notice vouchd's silence"
deadline=$((SECONDS + 10))
until grep -q "vouchd answers again" "$state/log/early.1.log"; do
    [ $SECONDS -lt $deadline ] || fail "the worker never heard vouchd answer its heartbeats"
    sleep 0.2
done
ok "the workers noticed vouchd's silence, and its answers once it came"
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
