#!/usr/bin/env bash
# PostgreSQL stopped (immediate: as in a crash) mid-ingest and started again
# seconds later: vouchd says the database is down, keeps the file, retries with
# back-off, and the ledger ends as a clean run's.
. "$(dirname "$0")/lib_fault.sh"
conf
stack_up --workers 2
reference

for phase in store dispatch; do
    unit=数据库中断单位-$phase
    ledger "$unit" "$work/$phase.csv"
    ctl ingest --wait --timeout 300 "$work/$phase.csv" >"$work/out-$phase" 2>&1 &
    client=$!
    if [ $phase = store ]; then
        wait_for "COPY of the ledger's lines" \
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY lines%'"
    else
        wait_for "the first batches of the ledger to be done" \
            "SELECT count(*) FROM batches b JOIN orgs o USING (org_id) WHERE o.name = '$unit' AND b.state = 'done'"
    fi
    as_pg "$pgbin/pg_ctl" -D "$state/pg/data" -m immediate stop >/dev/null
    ok "PostgreSQL stopped mid-$phase"
    deadline=$((SECONDS + 20))
    until ctl status --format json 2>/dev/null | jq -e '.database.state == "down"' >/dev/null; do
        [ $SECONDS -lt $deadline ] || fail "status never said the database is down"
        sleep 0.2
    done
    ok "status says the database is down"
    sleep 3
    as_pg "$pgbin/pg_ctl" -D "$state/pg/data" -l "$state/pg/postgresql.log" -w start >/dev/null
    ok "PostgreSQL started again"
    settle "$unit" $SECONDS
    wait $client || fail "ingest --wait across the outage: $(cat "$work/out-$phase")"
    ok "ingest --wait waited across the outage"
done
