#!/usr/bin/env bash
# A batch no worker answers is sent again after dispatch_timeout, and after
# max_attempts dispatches it is parked as failed, with the reason, instead of
# going round forever: `ingest --wait` then says the file is stored but not
# fully analysed (exit 3), and status counts the failed batch.
. "$(dirname "$0")/lib.sh"
cat >"$state/vouch.conf" <<CONF
policy_file = $VOUCH_SOURCE/deploy/policy/cn-default.json
sql_dir = $VOUCH_SOURCE/sql
dispatch_timeout = 1
max_attempts = 2
CONF
stack_up --workers 1
for p in "$state"/run/worker.*.pid; do kill -STOP "$(cat "$p")"; done
set +e
ctl ingest --wait --timeout 60 "$fixtures/seed-case/ledger-2022.csv" >/dev/null 2>"$state/err"; rc=$?
set -e
cat "$state/err"
expect_eq "stored but not analysed: exit 3" 3 $rc
grep -q "could not be analysed" "$state/err" || fail "says the analysis failed"
expect_eq "the batch is parked" failed "$(sql "SELECT state FROM batches")"
expect_eq "after max_attempts dispatches" 2 "$(sql "SELECT attempts FROM batches")"
sql "SELECT last_error FROM batches" | grep -q "no answer after 2 dispatches" || fail "the reason is kept"
expect_eq "status counts it" 1 "$(ctl status --format json | jq .batches.failed)"
ctl status --format json | jq -r '.last_errors[]' | grep -q "parked as failed" || fail "status says why"
ok "status says why"
expect_eq "the ledger is stored" 200 "$(sql "SELECT count(*) FROM lines")"
for p in "$state"/run/worker.*.pid; do kill -CONT "$(cat "$p")"; done
