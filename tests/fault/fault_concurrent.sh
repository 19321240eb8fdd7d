#!/usr/bin/env bash
# 20 different files ingested at once (5,000 lines each, 100,000 in all): each
# ends as its clean run; then an identical re-ingest is a reported no-op.
. "$(dirname "$0")/lib_fault.sh"
lines=5000
conf
stack_up --workers 2
reference
pids=()
for i in $(seq -w 1 20); do
    ledger "并发单位$i" "$work/c$i.csv"
done
start=$SECONDS
for i in $(seq -w 1 20); do
    ctl ingest --wait --timeout 300 "$work/c$i.csv" >"$work/c$i.out" 2>&1 &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent ingest failed"; done
ok "20 files ingested at once in $((SECONDS - start)) s"
for i in $(seq -w 1 20); do settle "并发单位$i" $SECONDS >/dev/null; done
ok "each of the 20 equals its clean run"
# memory stays bounded: batches wait in PostgreSQL, not in vouchd (max_inflight)
# and files are parsed as they stream: vouchd's peak stays near its idle size,
# whatever the 20 MB of files it was handed
for p in vouchd worker.1; do
    hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(pid_of $p)/status")
    echo "   $p peak RSS: $((hwm / 1024)) MB"
    [ "$hwm" -lt $((256 * 1024)) ] || fail "$p peaked at $((hwm / 1024)) MB"
done
ok "vouchd and the worker stayed under 256 MB"

# the same bytes again: "duplicate", and nothing in the database changes
everything() { sql "SELECT (SELECT count(*) FROM ledgers), (SELECT count(*) FROM lines),
                           (SELECT count(*) FROM findings), (SELECT count(*) FROM batches),
                           (SELECT count(*) FROM vouchers)"; }
before=$(everything)
out=$(ctl ingest --wait --format json "$work/c07.csv")
expect_eq "identical re-ingest is a duplicate" duplicate "$(echo "$out" | jq -r .status)"
expect_eq "it names the earlier ledger" \
    "$(sql "SELECT l.ledger_id FROM ledgers l JOIN orgs o USING (org_id) WHERE o.name = '并发单位07'")" \
    "$(echo "$out" | jq .ledger_id)"
expect_eq "the database is unchanged" "$before" "$(everything)"
dump 并发单位07 >"$work/again.dump"
diff -u "$work/reference.dump" "$work/again.dump" || fail "re-ingest changed the unit's data"
