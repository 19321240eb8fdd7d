#!/usr/bin/env bash
# SIGTERM drains: vouchd takes no new file and sends no new batch, waits for
# the batches out (up to drain_timeout), stores their answers and exits; a
# second SIGTERM exits at once. After a restart both ledgers end as a clean
# run's.
. "$(dirname "$0")/lib_fault.sh"
conf "drain_timeout = 20" "max_inflight = 2" "dispatch_timeout = 30"
stack_up --workers 1
reference
kill -TERM "$(pid_of worker.1)"
# a slow worker: every answer 2 s after its batch, so batches are out when
# the signal comes
VOUCH_FAULT=late:2:100000 "$VOUCH_FAULTY_WORKER" --home "$state" --id slow >>"$state/log/slow.log" 2>&1 &
extra $!
slow=$!
out_now() { sql "SELECT count(*) FROM batches b JOIN orgs o USING (org_id) WHERE o.name = '$1' AND b.state = 'dispatched'"; }

ledger 排空单位 "$work/drain.csv"
ctl ingest --timeout 300 "$work/drain.csv" >/dev/null
wait_for "batches out" "SELECT count(*) FROM batches b JOIN orgs o USING (org_id) WHERE o.name = '排空单位' AND b.state = 'dispatched'"
vouchd=$(pid_of vouchd)
start=$SECONDS
kill -TERM "$vouchd"
while running "$vouchd"; do
    [ $((SECONDS - start)) -le 25 ] || fail "vouchd still running 25 s after SIGTERM"
    sleep 0.1
done
took=$((SECONDS - start))
grep -q "stopping: storing no new file, waiting up to 20 s" "$state/log/vouchd.log" || fail "vouchd did not drain"
[ $took -ge 1 ] || fail "vouchd left in $took s: it did not wait for the batches out"
expect_eq "no batch left out after the drain" 0 "$(out_now 排空单位)"
ok "SIGTERM waited $took s for the batches out, stored their answers, then exited"

# a second SIGTERM: at once
stack_up --workers 0 >/dev/null
wait_for "batches out again" "SELECT count(*) FROM batches b JOIN orgs o USING (org_id) WHERE o.name = '排空单位' AND b.state = 'dispatched'"
vouchd=$(pid_of vouchd)
kill -TERM "$vouchd"
sleep 0.2
kill -TERM "$vouchd"
sleep 1
running "$vouchd" && fail "a second SIGTERM did not stop vouchd at once"
ok "a second SIGTERM exits at once"

kill -TERM $slow
wait $slow 2>/dev/null || true
cleared=$SECONDS
stack_up --workers 2 >/dev/null
settle 排空单位 $cleared
