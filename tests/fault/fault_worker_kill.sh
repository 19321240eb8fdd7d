#!/usr/bin/env bash
# SIGKILL of one worker mid-ingest: its batches go to the other worker once
# dispatch_timeout passes, and the ledger ends as a clean run's.
. "$(dirname "$0")/lib_fault.sh"
conf
stack_up --workers 2
reference
ledger 故障单位 "$work/faulted.csv"
ctl ingest --wait --timeout 300 "$work/faulted.csv" >"$work/out" 2>&1 &
client=$!
wait_for "the first batches of the ledger to be done" \
    "SELECT count(*) FROM batches b JOIN orgs o USING (org_id) WHERE o.name = '故障单位' AND b.state = 'done'"
kill -KILL "$(pid_of worker.1)"
ok "worker 1 killed mid-ingest"
settle 故障单位 $SECONDS
wait $client || fail "ingest --wait: $(cat "$work/out")"
ok "ingest --wait returned once the ledger was analysed"
