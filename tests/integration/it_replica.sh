#!/usr/bin/env bash
# Read replicas: a real streaming standby of the stack's cluster, named by
# query_database. vouchctl's reads answer from it as from the primary, and
# for each user as on the primary; its writes go to the primary; a replica
# behind, cut off from its primary or unreachable is said so in one line.
. "$(dirname "$0")/lib.sh"
stack_up --workers 2
yz=永州市人力资源和社会保障局

# the standby: a base backup of the stack's cluster (-R: it follows it), on
# its own socket folder; stopped before the stack goes down, whatever the end
standby=$state/standby
mkdir -p "$standby"
if [ "$(id -u)" -eq 0 ]; then chown vouch "$standby"; fi
chmod 700 "$standby"
on_exit "as_pg $pgbin/pg_ctl -D $standby/data -m fast -w stop"
as_pg mkdir "$standby/run"
as_pg "$pgbin/pg_basebackup" -h "$state/pg/run" -U vouch -D "$standby/data" -R -X stream -c fast
as_pg tee -a "$standby/data/postgresql.conf" >/dev/null <<CONF
unix_socket_directories = '$standby/run'
shared_buffers = 32MB
CONF
standby_start() { as_pg "$pgbin/pg_ctl" -D "$standby/data" -l "$standby/postgresql.log" -w -t 60 start >/dev/null; }
standby_start
rsql() { SQL_SOCKET=$standby/run sql "$1"; }
expect_eq "the standby is in recovery" t "$(rsql "SELECT pg_is_in_recovery()")"
echo "query_database = host=$standby/run dbname=vouch user=vouch" >>"$state/vouch.conf"

# caught_up: wait until the standby has replayed all the primary has written
caught_up() {
    local lsn
    lsn=$(sql "SELECT pg_current_wal_lsn()")
    for _ in $(seq 1 100); do
        [ "$(rsql "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
        sleep 0.1
    done
    fail "the standby did not replay up to $lsn within 10 s"
}

# on the primary: the seed case, and two auditors (one of its unit, one of another)
out=$(ctl ingest --wait --format json "$fixtures/seed-case/ledger-2022.csv")
expect_eq "ingest (a write, to the primary)" accepted "$(echo "$out" | jq -r .status)"
ledger=$(echo "$out" | jq -r .ledger_id)
ctl user add aud_yz --org "$yz" --person 赵审计 >/dev/null
ctl user add aud_other --org 某某单位 --person 钱审计 >/dev/null
caught_up
ok "the standby replayed the ingest"

# reads: the same answers from the replica as from the primary, and nothing
# on stderr (a replica that has replayed everything is not behind)
id=$(ctl --primary flags --rule MISCLASS_EXPENSE --format json | jq -r '.[] | select(.voucher == "记-23") | .finding_id')
[ -n "$id" ] || fail "no MISCLASS_EXPENSE finding on 记-23"
reads=(
    "flags --format json"
    "flags"
    "flags --format csv"
    "flags --group-by rule --format json"
    "flags --status open --sort -amount --limit 5 --format json"
    "show $id --format json"
    "show --ledger $ledger --format json"
    "show --ledger $ledger --period 2022-04 --voucher 记-23 --format json"
    "report sangong --org $yz --year 2022 --format json"
    "suppression list --all --format json"
    "subscription list --format json"
    "digest list --format json"
    "user list --format json"
)
same_reads() {  # same_reads WHAT: every read answers alike from the replica and the primary
    local r
    for r in "${reads[@]}"; do
        # shellcheck disable=SC2086 # each read is its words
        ctl $r >"$state/replica.out" 2>"$state/replica.err" || fail "$1: $r from the replica: $(cat "$state/replica.err")"
        # shellcheck disable=SC2086
        ctl --primary $r >"$state/primary.out" || fail "$1: $r from the primary"
        cmp -s "$state/replica.out" "$state/primary.out" || fail "$1: $r differs between the replica and the primary"
        [ -s "$state/replica.err" ] && fail "$1: $r from a replica caught up said: $(cat "$state/replica.err")"
    done
    return 0
}
same_reads "caught up"
expect_eq "the replica's answers hold the seed case" 21 "$(ctl flags --format json | jq length)"
ok "flags, show, report, suppression, subscription, digest and user lists answer alike from the replica"
ctl flags --format xlsx -o "$state/replica.xlsx" || fail "flags --format xlsx from the replica"
[ -s "$state/replica.xlsx" ] || fail "no workbook from the replica"
ok "a workbook written from the replica"

# row-level security on the replica: the same roles, the same rows
as() { local u=$1; shift; VOUCH_USER=$u "$VOUCH_BIN/vouchctl" --home "$state" "$@"; }
expect_eq "replica: an auditor of the unit sees its findings" 21 "$(as aud_yz flags --format json | jq length)"
expect_eq "replica: an auditor of another unit sees none" 0 "$(as aud_other flags --format json | jq length)"
rc=0
as aud_other show "$id" >/dev/null 2>"$state/err" || rc=$?
expect_eq "replica: another unit's finding is 'not found' (exit 1)" 1 $rc
grep -qF "no finding $id" "$state/err" || fail "replica: expected [no finding $id], got [$(cat "$state/err")]"
expect_eq "replica: a user sees its own row" aud_other "$(as aud_other user list --format json | jq -r '[.[].name] | join(",")')"

# replay paused: a write with query_database set goes to the primary; the
# replica does not have it yet, says how far behind it is, --primary has it
rsql "SELECT pg_wal_replay_pause()" >/dev/null
sleep 2.2 # the replica's last replayed transaction is now over 2 s old
as aud_yz review "$id" --confirm --note 已核实 >"$state/out" || fail "review with query_database set"
expect_eq "the review is on the primary" confirmed "$(sql "SELECT status FROM findings WHERE finding_id = $id")"
expect_eq "...not yet on the paused replica" open "$(rsql "SELECT status FROM findings WHERE finding_id = $id")"
echo "query_max_lag = 1" >>"$state/vouch.conf"
expect_eq "flags reads the replica: no confirmed finding yet" 0 "$(ctl flags --status confirmed --format json 2>"$state/err" | jq length)"
grep -qE "^vouchctl: the replica \(query_database\) is [0-9]+ s behind the primary" "$state/err" ||
    fail "no warning of the replica's lag: [$(cat "$state/err")]"
expect_eq "the warning is one line" 1 "$(wc -l <"$state/err")"
expect_eq "--primary reads the primary" 1 "$(ctl --primary flags --status confirmed --format json 2>"$state/err" | jq length)"
[ -s "$state/err" ] && fail "--primary said: $(cat "$state/err")"
st=$(ctl status --format json)
expect_eq "status: the replica streams" streaming "$(echo "$st" | jq -r .replica.state)"
[ "$(echo "$st" | jq .replica.lag_seconds)" -ge 2 ] || fail "status: lag $(echo "$st" | jq .replica.lag_seconds), expected at least 2 s"
ctl status | grep -qE "^replica +streaming, [0-9]+ s behind$" || fail "status table: no replica line"
ok "status shows the replica's lag"
rsql "SELECT pg_wal_replay_resume()" >/dev/null
caught_up
expect_eq "replay resumed: the replica has the review" 1 "$(ctl flags --status confirmed --format json 2>"$state/err" | jq length)"
[ -s "$state/err" ] && fail "a replica caught up again said: $(cat "$state/err")"
expect_eq "status: caught up" 0 "$(ctl status --format json | jq .replica.lag_seconds)"
same_reads "after the review"
ok "the replica caught up with the write"

# the primary stopped: the reads still answer, from the replica, which says
# it is cut off; writes, and reads with --primary, fail clearly (exit 3)
ctl flags --format json >"$state/before.json"
as_pg "$pgbin/pg_ctl" -D "$state/pg/data" -m fast -w stop >/dev/null
ctl flags --format json >"$state/after.json" 2>"$state/err" || fail "flags with the primary down: $(cat "$state/err")"
cmp -s "$state/before.json" "$state/after.json" || fail "flags from the replica, the primary down: other findings"
grep -q "^vouchctl: the replica (query_database) is not streaming from the primary: what was written after 20[0-9-]* [0-9:]* may be missing" "$state/err" ||
    fail "no warning that the replica is cut off: [$(cat "$state/err")]"
for r in "${reads[@]}"; do
    # shellcheck disable=SC2086
    ctl $r >/dev/null 2>&1 || fail "$r with the primary down"
done
ok "every read answers from the replica with the primary down"
rc=0
as aud_yz review "$id" --reopen --note 重新核实 >/dev/null 2>"$state/err" || rc=$?
expect_eq "a write with the primary down: exit 3" 3 $rc
grep -q "^vouchctl: database unavailable: " "$state/err" || fail "write, primary down: [$(cat "$state/err")]"
rc=0
ctl --primary flags >/dev/null 2>"$state/err" || rc=$?
expect_eq "--primary with the primary down: exit 3" 3 $rc
expect_eq "the replica still has the review" confirmed "$(rsql "SELECT status FROM findings WHERE finding_id = $id")"
expect_eq "status: the replica is not streaming" "not streaming" "$(ctl status --format json | jq -r .replica.state)"
as_pg "$pgbin/pg_ctl" -D "$state/pg/data" -l "$state/pg/postgresql.log" -w start >/dev/null

# the replica unreachable: one line says so, the primary answers
as_pg "$pgbin/pg_ctl" -D "$standby/data" -m fast -w stop >/dev/null
ctl flags --format json >"$state/fallback.json" 2>"$state/err" || fail "flags, the replica down: $(cat "$state/err")"
cmp -s "$state/before.json" "$state/fallback.json" || fail "flags from the primary, the replica down: other findings"
expect_eq "one line on stderr" 1 "$(wc -l <"$state/err")"
grep -q "^vouchctl: query_database unreachable (.*): reading from the primary$" "$state/err" ||
    fail "replica down: [$(cat "$state/err")]"
ok "an unreachable replica is said in one line, and the primary answers"
expect_eq "status: the replica is unreachable" unreachable "$(ctl status --format json | jq -r .replica.state)"
as aud_yz review "$id" --reopen --note 重新核实 >/dev/null 2>"$state/err" || fail "a write, the replica down: $(cat "$state/err")"
[ -s "$state/err" ] && fail "a write looked for the replica: $(cat "$state/err")"
expect_eq "the write is on the primary" open "$(sql "SELECT status FROM findings WHERE finding_id = $id")"
ok "writes never look for the replica"
