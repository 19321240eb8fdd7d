#!/usr/bin/env bash
# Workers on other hosts: three network namespaces made for the run, vouchd
# and PostgreSQL on "db" (vouchd on tcp://*, CURVE on by curve = auto),
# workers on "a" and "b", each linked to db by a veth pair of its own and let
# in by its own key. A ledger goes through both workers; while a second goes
# through, b's link goes down with batches out at b (its worker keeps
# running), and a finishes them; vouchd's batch connection to b closes
# within TCP_USER_TIMEOUT; the link back up, both share a third ledger; then
# b goes silent with its link up (nftables drops everything: a cut further
# along the path), a finishes the fourth, the connection closes the same
# way. Each ledger's findings are exactly those vouch-gen planted in it, none
# twice, every batch done.
. "$(dirname "$0")/lib_multihost.sh"

# small batches, so that a ledger is many; a lost batch sent again after 3 s
db_host "batch_lines = 300" "dispatch_timeout = 3" "policy_profile = cn-complete-journal"
worker_host a
worker_host b
stack_up >/dev/null
grep -q "CURVE on control, work, results (curve = auto)" "$state/log/vouchd.log" ||
    fail "vouchd on tcp://* puts CURVE on its three endpoints"
ok "vouchd on tcp://*:$port_control-$port_results on host db, CURVE on (curve = auto)"
start_worker a
start_worker b
wait_workers a b
for w in a b; do
    grep -q "worker $w connected (CURVE key $w)" "$state/log/vouchd.log" ||
        fail "vouchd logs worker $w's key"
done
ok "workers on hosts a ($addr_a) and b ($addr_b) connected, each with its own key"

# three units of vouch-gen's, a ledger each, and the findings planted in them
gen=$state/gen
"$VOUCH_BIN/vouch-gen" --quiet --policy "$VOUCH_SOURCE/deploy/policy/cn-default.json" \
    --out "$gen" --lines "${MH_LINES:-36000}" --orgs 3 --first-org 200 --seed 20231 ||
    fail "vouch-gen failed"
ledgers=("$gen"/org*.csv)
# the second, cut mid-way, is larger: under a busy CI (ctest -j2) a small
# one was done before b's first answer could be seen
gen2=$state/gen2
"$VOUCH_BIN/vouch-gen" --quiet --out "$gen2" --lines "${MH_SECOND_LINES:-120000}" --orgs 1 \
    --first-org 203 --seed 20232 || fail "vouch-gen failed"
ledgers[1]=$(ls "$gen2"/org*.csv)

# org_of LEDGER_ID: its unit's name
org_of() { sql "SELECT o.name FROM ledgers l JOIN orgs o USING (org_id) WHERE l.ledger_id = $1"; }
# by_worker LEDGER_ID: its batches as "worker:count" per worker, state done
by_worker() {
    sql "SELECT string_agg(worker || ':' || n, ' ' ORDER BY worker) FROM (SELECT worker, count(*) AS n
         FROM batches WHERE ledger_id = $1 AND state = 'done' GROUP BY worker) w"
}
# settled LEDGER_ID: every batch done, each finding once per line and rule
settled() {
    expect_eq "ledger $1: no batch left undone" 0 \
        "$(sql "SELECT count(*) FROM batches WHERE ledger_id = $1 AND state <> 'done'")"
    expect_eq "ledger $1: no finding twice" 0 \
        "$(sql "SELECT count(*) - count(DISTINCT (seq, rule)) FROM findings WHERE ledger_id = $1")"
}

# through_both WHAT FILE: FILE ingested, settled, its findings the planted
# ones, and batches of it done on both hosts; sets ledger to its id
through_both() {
    local out split
    out=$(ctl ingest --wait --timeout 120 --format json "$2")
    expect_eq "$1 ingested" accepted "$(echo "$out" | jq -r .status)"
    ledger=$(echo "$out" | jq .ledger_id)
    settled "$ledger"
    expect_labels "$1" "$(org_of "$ledger")" "$gen/labels.ndjson"
    split=$(by_worker "$ledger")
    [[ "$split" =~ ^a:[1-9][0-9]*\ b:[1-9][0-9]*$ ]] || fail "$1: both hosts did batches: $split"
    ok "$1: both hosts did batches, $split, of $(echo "$out" | jq .lines) lines"
}

through_both "the first ledger" "${ledgers[0]}"
first=$ledger

# cut_b_busy WHAT FILE AFTER CUT...: ingest FILE in the background and, once
# b has answered a batch of it and most of it is still to do (so that
# batches are out at b), cut b off with the command CUT...; sets ingest (the
# background ingest's pid), ledger (its id, above AFTER), cut (when)
cut_b_busy() {
    local what=$1 file=$2 after=$3 seen="" deadline=$((SECONDS + 60))
    shift 3
    ip netns exec "$mh_run-db" "$VOUCH_BIN/vouchctl" --home "$state" \
        ingest --wait --timeout 120 --format json "$file" >"$state/ingest.json" &
    ingest=$!
    started $ingest
    ledger=""
    until [[ "$seen" == t\|* ]]; do
        [ $SECONDS -lt $deadline ] || fail "b never answered a batch of $what: $seen"
        sleep 0.02
        [ -n "$ledger" ] || ledger=$(sql "SELECT max(ledger_id) FROM ledgers WHERE ledger_id > $after")
        [ -n "$ledger" ] || continue
        seen=$(sql "SELECT count(*) FILTER (WHERE worker = 'b') > 0
                           AND count(*) FILTER (WHERE state <> 'done') * 2 > count(*),
                           count(*) FILTER (WHERE state <> 'done'), count(*)
                    FROM batches WHERE ledger_id = $ledger")
    done
    "$@"
    cut=$SECONDS
    IFS='|' read -r _ undone total <<<"$seen"
    ok "$what: b cut off ($*), b's worker running, $undone of the $total batches of ledger $ledger to do"
}

# The second: b's link goes down while batches are out at it.
cut_b_busy "the second ledger" "${ledgers[1]}" "$first" ip -n "$mh_run-b" link set to-db down
second=$ledger
wait $ingest || fail "the second ingest failed: $(cat "$state/ingest.json")"
expect_eq "the second ledger ingested" accepted "$(jq -r .status "$state/ingest.json")"
# a lost batch costs a dispatch_timeout (3 s), or a few if it is lost again
[ $((SECONDS - cut)) -le 30 ] || fail "ledger $second took $((SECONDS - cut)) s after the cut"
ok "ledger $second analysed $((SECONDS - cut)) s after the cut: $(by_worker "$second")"
settled "$second"
expect_labels "the second ledger" "$(org_of "$second")" "$gen2/labels.ndjson"

# what was out at b when it was cut: the batches sent again (each a
# dispatch_timeout after it went out), all done by a
read -r resent by_a most < <(sql "SELECT count(*), count(*) FILTER (WHERE worker = 'a'), max(attempts)
                                  FROM batches WHERE ledger_id = $second AND attempts > 1" | tr '|' ' ')
[ "$resent" -gt 0 ] || fail "no batch was out at b when it was cut: the cut came too late"
expect_eq "every batch sent again was done by a" "$resent" "$by_a"
ok "$resent batch(es) out at b when it was cut, sent again and done by a (at most $most dispatches of one)"
kill -0 "$pid_b" 2>/dev/null || fail "b's worker still runs"
wait_workers a
ok "vouchd's status lists a alone; b's worker still runs, cut off"

# vouchd stops pushing batches to b: its batch connection, holding batches
# b never acknowledged (a megabyte of them), closes after TCP_USER_TIMEOUT
# (ZMQ_TCP_MAXRT, 20 s); TCP's retransmissions alone would keep it some 15
# minutes, every batch pushed into it lost until its dispatch_timeout
# work_closed WHAT: vouchd's batch connections to b (its side of b's link)
# gone within 40 s of the cut
work_closed() {
    local deadline=$((cut + 40))
    until [ "$(ip netns exec "$mh_run-db" ss -Htn state established "( sport = :$port_work )" \
                src "$addr_b" | wc -l)" -eq 0 ]; do
        [ $SECONDS -lt $deadline ] ||
            fail "vouchd's batch connection to b still open $((SECONDS - cut)) s after the $1"
        sleep 0.5
    done
    ok "$1: vouchd closed its batch connection to b $((SECONDS - cut)) s after it"
}
work_closed "link down"

# The link back: b dials again, is listed again and takes its share of a
# third ledger; whatever it answers late of the second is ignored.
ip -n "$mh_run-b" link set to-db up
back=$SECONDS
wait_workers a b
ok "b's link up again: vouchd lists a and b after $((SECONDS - back)) s, no restart"
settled "$second"
expect_labels "the second ledger, b back" "$(org_of "$second")" "$gen2/labels.ndjson"

through_both "the third ledger" "${ledgers[2]}"
third=$ledger

# A cut further along the path: b's link stays up, but nothing gets through
# (nftables drops every packet in b's namespace). TCP sees only silence and
# retransmits the batches vouchd pushed to b; every batch pushed into that
# connection is lost until its dispatch_timeout, for as long as the
# connection lives: TCP_USER_TIMEOUT (ZMQ_TCP_MAXRT, 20 s) ends it, where
# TCP's retransmissions alone would keep it some 15 minutes.
gen3=$state/gen3
"$VOUCH_BIN/vouch-gen" --quiet --out "$gen3" --lines "${MH_SECOND_LINES:-120000}" --orgs 1 \
    --first-org 204 --seed 20233 || fail "vouch-gen failed"
silence() {
    ip netns exec "$mh_run-b" nft -f - <<'NFT'
table inet vouch_cut {
    chain in { type filter hook input priority 0; policy drop; }
    chain out { type filter hook output priority 0; policy drop; }
}
NFT
}
cut_b_busy "the fourth ledger" "$(ls "$gen3"/org*.csv)" "$third" silence
fourth=$ledger
wait $ingest || fail "the fourth ingest failed: $(cat "$state/ingest.json")"
expect_eq "the fourth ledger ingested" accepted "$(jq -r .status "$state/ingest.json")"
ok "ledger $fourth analysed $((SECONDS - cut)) s after the silent cut: $(by_worker "$fourth")"
settled "$fourth"
expect_labels "the fourth ledger" "$(org_of "$fourth")" "$gen3/labels.ndjson"
[ "$(ip -n "$mh_run-b" -br link show to-db | awk '{ print $2 }')" = UP ] || fail "b's link stays up"
work_closed "silent cut, b's link up"
ip netns exec "$mh_run-b" nft delete table inet vouch_cut
back=$SECONDS
wait_workers a b
ok "b heard again: vouchd lists a and b after $((SECONDS - back)) s"
