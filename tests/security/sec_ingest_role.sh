#!/usr/bin/env bash
# vouchd need not be the tables' owner: as a login role in vouch_ingest (the
# migrations applied by the owner with `vouchd --migrate`) it stores, runs the
# rules and writes findings for every unit, and can alter, drop or create
# nothing, nor add users.
. "$VOUCH_SOURCE/tests/integration/lib.sh"
stack_up --workers 1
# COPY wants no row-level security in the way: the role bypasses it
sql "CREATE ROLE vouchd LOGIN BYPASSRLS IN ROLE vouch_ingest" >/dev/null
pid=$(cat "$state/run/vouchd.pid")
kill -TERM "$pid"
for _ in $(seq 100); do grep -qs '^State:[[:space:]]*[^Z[:space:]]' "/proc/$pid/status" || break; sleep 0.1; done
echo "database = host=$state/pg/run dbname=vouch user=vouchd" >>"$state/vouch.conf"
# the cluster stays the stack's to stop: stack.sh leaves a named database alone
on_exit "sed -i '/^database = /d' '$state/vouch.conf'"
expect_eq "vouchd --migrate as vouchd: nothing due, nothing to create" 0 \
    "$("$VOUCH_BIN/vouchd" --home "$state" --migrate >/dev/null 2>&1; echo $?)"
stack_up --workers 1

out=$(ctl ingest --wait --format json "$fixtures/seed-case/ledger-2022.csv")
expect_eq "stored and analysed as vouchd" "accepted 21" "$(jq -r '"\(.status) \(.findings)"' <<<"$out")"
expect_eq "the rules across ledgers ran" 1 \
    "$(sql "SELECT count(*) FROM ledgers WHERE cross_checked_at IS NOT NULL AND cross_error IS NULL")"
expect_eq "vouchd's connections are the vouchd role" vouchd \
    "$(sql "SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE application_name LIKE 'vouchd%'")"
for stmt in "DROP TABLE findings" "ALTER TABLE findings ADD COLUMN x int" "CREATE TABLE t (x int)" \
    "TRUNCATE lines" "SELECT vouch_user_add('eve', 'x', 'admin', '{}')" "ALTER TABLE reviews DISABLE TRIGGER reviews_append_only" "CREATE POLICY p ON findings USING (true)"; do
    if SQL_USER=vouchd sql "$stmt" >/dev/null 2>"$state/err"; then fail "as vouchd: $stmt went through"; fi
done
expect_eq "findings all there" 21 "$(sql "SELECT count(*) FROM findings")"
ok "vouchd runs as a vouch_ingest role and can change no schema, nor add users"
