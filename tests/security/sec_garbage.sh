#!/usr/bin/env bash
# Garbage on every socket of vouchd, with CURVE off (tcp://127.0.0.2: loopback,
# so curve = auto leaves it off and the garbage reaches the handlers) and then
# on: random and oversized frames, broken and deep JSON, wrong versions and
# types, fields of the wrong type or out of range, 20,000 frames in a message,
# raw bytes that are not ZMTP, a ZMTP peer pushing frames into the work PUSH,
# and with CURVE a NULL handshake and CURVE clients vouchd does not know.
# Afterwards vouchd still serves: status answers, the workers are there, and
# the seed ledger gives its 21 findings; its log shows the drops, a few lines
# a minute, not thousands.
. "$(dirname "$0")/lib_security.sh"

# garbage NAME ARGS...: vouch-garbage, its report kept in $state/log/NAME.out
garbage() {
    local name=$1; shift
    "$VOUCH_GARBAGE" --seed "$RANDOM" "$@" >>"$state/log/garbage-$name.out" 2>&1 || fail "vouch-garbage $*"
}

# on every socket: what a libzmq peer, a raw ZMTP peer and raw TCP can send
all_garbage() {
    local curve_args=("$@")
    garbage control zmq "tcp://$host:$port_control" --type dealer --count 400 --big 2 "${curve_args[@]}"
    garbage results zmq "tcp://$host:$port_results" --type push --count 400 --big 2 "${curve_args[@]}"
    garbage work zmtp "$host:$port_work" --as PULL --count 30
    garbage results zmtp "$host:$port_results" --as PUSH --count 30
    garbage control zmtp "$host:$port_control" --as DEALER --count 30
    for p in "$port_control" "$port_work" "$port_results"; do
        garbage raw raw "$host:$p" --count 60
    done
}

# still_serving UNIT: status answers with both workers, and a copy of the
# seed for UNIT gives its 21 findings (garbage sent all along the ingest)
still_serving() {
    local unit=$1
    kill -0 "$(cat "$state/run/vouchd.pid")" || fail "vouchd is gone"
    for w in 1 2; do kill -0 "$(cat "$state/run/worker.$w.pid")" || fail "worker $w is gone"; done
    local st
    st=$(ctl status --format json) || fail "status does not answer"
    expect_eq "status: the two workers and no others" '["worker-1","worker-2"]' \
        "$(echo "$st" | jq -c '[.workers.list[].id] | sort')"
    sed "s/永州市人力资源和社会保障局/$unit/" "$fixtures/seed-case/ledger-2022.csv" >"$state/$unit.csv"
    all_garbage "${@:2}" &
    local noise=$!
    local out
    out=$(ctl ingest --wait --timeout 120 --format json "$state/$unit.csv")
    wait "$noise"
    expect_eq "$unit: ingest accepted" accepted "$(echo "$out" | jq -r .status)"
    expect_eq "$unit: the 21 findings" 21 "$(echo "$out" | jq -r .findings)"
    expect_eq "$unit: 21 findings stored" 21 "$(ctl flags --org "$unit" --format json | jq length)"
}

# log_bounded WHAT: vouchd logged the drops, and few lines
log_bounded() {
    local log=$state/log/vouchd.log lines
    lines=$(wc -l <"$log")
    echo "vouchd.log: $lines lines"
    [ "$lines" -lt 400 ] || fail "$1: vouchd logged $lines lines"
    ok "$1: vouchd's log holds $lines lines"
}

# ---- CURVE off ----
tcp_conf auto >"$state/vouch.conf"
stack_up --workers 2
! grep -q "CURVE on" "$state/log/vouchd.log" || fail "curve = auto is off on 127.0.0.2"
ok "curve = auto: off on a loopback address"
all_garbage
still_serving 垃圾测试甲局
for what in "control: dropped a message" "results: dropped" "work: a peer failed the handshake"; do
    grep -q "$what" "$state/log/vouchd.log" || fail "vouchd logs \"$what\""
done
ok "vouchd logged the drops on control, results and work"
log_bounded "CURVE off"
for w in 1 2; do
    [ "$(wc -l <"$state/log/worker.$w.log")" -lt 50 ] || fail "worker $w logged a flood"
done

# ---- CURVE on ----
"$VOUCH_SOURCE/deploy/stack.sh" down "$state" >/dev/null
: >"$state/log/vouchd.log"
tcp_conf on >"$state/vouch.conf"
stack_up --workers 2
grep -q "CURVE on control, work, results" "$state/log/vouchd.log" || fail "CURVE is on"
server_pub=$(cat "$state/keys/server.pub")
# a CURVE client with a wrong server key (first: vouchd logs a few
# handshakes a minute per socket), then clients with keys of their own
garbage control zmq "tcp://$host:$port_control" --type dealer --count 50 --curve-server "$(cat "$state/keys/allowed/client.pub")"
all_garbage --curve-server "$server_pub"
still_serving 垃圾测试乙局 --curve-server "$server_pub"
grep -q "refused a client with unknown key" "$state/log/vouchd.log" || fail "vouchd names the keys it refused"
grep -q "disagree on CURVE" "$state/log/vouchd.log" || fail "vouchd logs the NULL handshakes"
grep -q "did not decrypt" "$state/log/vouchd.log" || fail "vouchd logs a wrong server key"
ok "vouchd logged the refused keys and the failed handshakes"
log_bounded "CURVE on"
expect_eq "no message from a stranger got through" 0 "$(grep -c 'dropped' "$state/log/vouchd.log" || true)"
