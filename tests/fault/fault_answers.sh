#!/usr/bin/env bash
# A worker that answers every batch twice (duplicate delivery), and one that
# answers its first batches too late (after vouchd sent them elsewhere): the
# extra answers change nothing, and both ledgers end as a clean run's.
. "$(dirname "$0")/lib_fault.sh"
conf
stack_up --workers 1
reference
kill -TERM "$(pid_of worker.1)"
sleep 0.5

VOUCH_FAULT=twice "$VOUCH_FAULTY_WORKER" --home "$state" --id twice >>"$state/log/twice.log" 2>&1 &
extra $!
twice=$!
ledger 重复应答单位 "$work/twice.csv"
ctl ingest --wait --timeout 300 "$work/twice.csv" >/dev/null
settle 重复应答单位 $SECONDS
[ "$(grep -c 'answered again (by twice)' "$state/log/vouchd.log")" -ge 40 ] ||
    fail "vouchd did not see the second answers"
ok "vouchd saw each batch answered twice, and ignored the second"
kill -TERM $twice
wait $twice 2>/dev/null || true

# late: its first 4 answers come 8 s after the batch, past dispatch_timeout (3 s);
# an ordinary worker beside it does the batches again in the meantime
VOUCH_FAULT=late:8:4 "$VOUCH_FAULTY_WORKER" --home "$state" --id late >>"$state/log/late.log" 2>&1 &
extra $!
late=$!
stack_up --workers 1 >/dev/null
ledger 迟到应答单位 "$work/late.csv"
ctl ingest --wait --timeout 300 "$work/late.csv" >/dev/null
settle 迟到应答单位 $SECONDS
# the late answers arrive after the ledger is done: they must change nothing
sleep 9
dump 迟到应答单位 >"$work/after-late.dump"
diff -u "$work/reference.dump" "$work/after-late.dump" || fail "a late answer changed the database"
ok "late answers changed nothing"
grep -q "fault: answering" "$state/log/late.log" || fail "the late worker was never late"
grep -q 'answered again (by late)' "$state/log/vouchd.log" || fail "no late answer reached vouchd"
ok "the late answers reached vouchd and were ignored"
kill -TERM $late
wait $late 2>/dev/null || true
