# lib_multihost.sh: what the multi-host tests share, on top of the integration
# tests' lib.sh: hosts that are network namespaces made for the run, joined by
# veth pairs; vouchd and PostgreSQL on the host "db", vouchd bound on all its
# interfaces as deploy/README.md binds it; workers on other hosts, each with a
# home, a key pair and a vouch.conf of its own naming vouchd's address on its
# link. Everything goes when the test ends, whatever its end: what the test
# started by pid, the stack by stack.sh down, then the namespaces and links.
. "$(dirname "$0")/../integration/lib.sh"

# never skipped: CI must not pass a test that did not run
[ "$(id -u)" -eq 0 ] || fail "the multihost tests make network namespaces: run them as root"
command -v ip >/dev/null || fail "no ip command: install iproute2 (deploy/setup.sh does)"
command -v nft >/dev/null || fail "no nft command: install nftables (deploy/setup.sh does)"

# names and addresses of this run: namespaces are vouch-mhPID-HOST; each link
# a /30 of 10.X.Y.0/24, X.Y from the pid. A namespace's addresses are its own,
# so runs at once cannot clash anyway: this tells them apart in `ip addr`.
mh_run=vouch-mh$$
mh_net=10.$((($$ >> 8) & 255)).$(($$ & 255))
mh_links=0
# vouchd's ports, on the db host: a network of its own, nothing else there
port_control=5555 port_work=5556 port_results=5557

mh_hosts=() mh_pids=()

# stop_pid PID: SIGTERM, then SIGKILL if it is still there after 5 s; only
# while PID is a running job of this shell, so that a number set free by a
# job's end (and given to some other process since) is never signalled
stop_pid() {
    local running
    running=$(jobs -pr)
    grep -qx "$1" <<<"$running" || return 0
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# started PID: a process of the test's own, stopped by its pid at the end
started() { mh_pids+=("$1"); }

# the end, first of lib.sh's exit hooks: the test's processes, the stack, and
# then the hosts (a namespace lasts as long as a process in it)
mh_teardown() {
    local p ns
    for p in "${mh_pids[@]}"; do stop_pid "$p"; done
    "$VOUCH_SOURCE/deploy/stack.sh" down "$state"
    for ns in "${mh_hosts[@]}"; do ip netns del "$ns"; done
}
on_exit mh_teardown

# on HOST CMD...: CMD run on HOST (in its namespace)
on() {
    local ns=$mh_run-$1
    shift
    ip netns exec "$ns" "$@"
}

# host NAME: a host for the run, its loopback up; gone at the end
host() {
    local ns=$mh_run-$1
    ip netns add "$ns" || fail "cannot make the network namespace $ns (ip netns add)"
    mh_hosts+=("$ns")
    ip -n "$ns" link set lo up
}

# link A B: a veth pair from host A (interface to-B) to host B (to-A), a /30
# of its own; sets link_a and link_b to the addresses on A's and B's side
link() {
    local a=$1 b=$2 base=$((mh_links * 4))
    mh_links=$((mh_links + 1))
    ip link add "to-$b" netns "$mh_run-$a" type veth peer name "to-$a" netns "$mh_run-$b" ||
        fail "cannot make a veth pair between $a and $b"
    link_a=$mh_net.$((base + 1))
    link_b=$mh_net.$((base + 2))
    ip -n "$mh_run-$a" addr add "$link_a/30" dev "to-$b"
    ip -n "$mh_run-$b" addr add "$link_b/30" dev "to-$a"
    ip -n "$mh_run-$a" link set "to-$b" up
    ip -n "$mh_run-$b" link set "to-$a" up
}

# the db host's vouchctl, stack.sh and vouchd: lib.sh's, on that host. vouchd
# binds tcp://*:PORT; vouchctl dials that as the host's loopback.
ctl() { on db "$VOUCH_BIN/vouchctl" --home "$state" "$@"; }
stack_up() { on db "$VOUCH_SOURCE/deploy/stack.sh" up "$state" --workers 0; }

# db_host [MORE...]: the host db, vouchd's vouch.conf (every interface, curve
# left to auto, and any more lines given) and its key pair, as an operator
# makes them. Before worker_host; the stack is started by stack_up.
db_host() {
    host db
    printf '%s\n' "control_endpoint = tcp://*:$port_control" "work_endpoint = tcp://*:$port_work" \
        "results_endpoint = tcp://*:$port_results" \
        "policy_file = $VOUCH_SOURCE/deploy/policy/cn-default.json" "sql_dir = $VOUCH_SOURCE/sql" \
        "$@" >"$state/vouch.conf"
    "$VOUCH_BIN/vouchctl" --home "$state" keygen server >/dev/null
}

# worker_host NAME: a host linked to db, a home $state/hosts/NAME for its
# worker: its own key pair, allowed on vouchd as NAME.pub, vouchd's public
# key, a vouch.conf naming vouchd's address on the link (debug: a line a
# batch); sets addr_NAME to that address
worker_host() {
    local name=$1 home=$state/hosts/$1
    host "$name"
    link db "$name"
    mkdir -p "$home"
    printf '%s\n' "control_endpoint = tcp://$link_a:$port_control" \
        "work_endpoint = tcp://$link_a:$port_work" "results_endpoint = tcp://$link_a:$port_results" \
        "log_level = debug" >"$home/vouch.conf"
    "$VOUCH_BIN/vouchctl" keygen client --dir "$home/keys" >/dev/null
    cp "$state/keys/server.pub" "$home/keys/server.pub"
    mkdir -p "$state/keys/allowed"
    cp "$home/keys/client.pub" "$state/keys/allowed/$name.pub"
    printf -v "addr_$name" %s "$link_a"
}

# start_worker NAME: NAME's worker on its host, its id NAME, its log
# $state/log/NAME.log, its pid pid_NAME; stopped by that pid when the test
# ends. ip netns exec becomes the worker (on, a function, would put a
# subshell between: its pid is not the worker's).
start_worker() {
    ip netns exec "$mh_run-$1" "$VOUCH_BIN/vouch-worker" --home "$state/hosts/$1" --id "$1" \
        >"$state/log/$1.log" 2>&1 &
    printf -v "pid_$1" %s "$!"
    started $!
}

# wait_workers NAME...: until vouchd's status lists each (20 s at most)
wait_workers() {
    local want got
    want=$(printf '%s\n' "$@" | sort | jq -R . | jq -sc .)
    for _ in $(seq 1 200); do
        got=$(ctl status --format json 2>/dev/null | jq -c '[.workers.list[].id] | sort') || true
        [ "$got" = "$want" ] && return 0
        sleep 0.1
    done
    fail "vouchd lists the workers $got, not $want"
}

# expect_labels WHAT ORG LABELS: ORG's open findings are the findings
# vouch-gen planted for it (LABELS, compared as label_key.jq says): none
# missed, none extra
expect_labels() {
    local out
    out=$(ctl flags --org "$2" --format json |
        jq -c -L "$VOUCH_SOURCE/tests/integration" --arg org "$2" --slurpfile labels "$3" '
            include "label_key";
            ([$labels[] | select(.org == $org) | label_key] | unique) as $l
            | (map(label_key) | unique) as $f
            | {planted: ($l | length), missed: ($l - $f), extra: ($f - $l)}')
    [ "$(echo "$out" | jq '.missed + .extra | length')" = 0 ] ||
        fail "$1: findings differ from vouch-gen's labels: $out"
    [ "$(echo "$out" | jq .planted)" -gt 0 ] || fail "$1: vouch-gen planted nothing in $2"
    ok "$1: the $(echo "$out" | jq .planted) findings vouch-gen planted, none missed, none extra"
}
