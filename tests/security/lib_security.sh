# lib_security.sh: what the security tests share, on top of the integration
# tests' lib.sh: vouchd's three endpoints on tcp://127.0.0.2 (a loopback
# address, so that they stay on this host) at free ports, and homes for
# strangers' workers and clients that name the same endpoints.
. "$(dirname "$0")/../integration/lib.sh"
: "${VOUCH_GARBAGE:?run through ctest, which sets VOUCH_GARBAGE}"

host=127.0.0.2
read -r port_control port_work port_results < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.2", 0))
print(*[x.getsockname()[1] for x in s])')

# tcp_conf CURVE [MORE...]: vouch.conf for the endpoints on 127.0.0.2, curve
# = CURVE, and any more lines given
tcp_conf() {
    local curve=$1; shift
    printf '%s\n' "control_endpoint = tcp://$host:$port_control" \
        "work_endpoint = tcp://$host:$port_work" "results_endpoint = tcp://$host:$port_results" \
        "curve = $curve" "policy_file = $VOUCH_SOURCE/deploy/policy/cn-default.json" \
        "sql_dir = $VOUCH_SOURCE/sql" "$@"
}

# stranger NAME CURVE [MORE...]: a home $state/NAME for a worker or vouchctl
# that is not vouchd's own, its vouch.conf naming vouchd's endpoints
stranger() {
    local name=$1; shift
    mkdir -p "$state/$name"
    tcp_conf "$@" >"$state/$name/vouch.conf"
}

# start_worker HOME ID: a vouch-worker in the background, its log
# $state/log/ID.log, killed when the test ends
start_worker() {
    "$VOUCH_BIN/vouch-worker" --home "$1" --id "$2" >"$state/log/$2.log" 2>&1 &
    on_exit "kill $!"
}

# lines_of FILE PATTERN: how many lines of FILE hold PATTERN (fixed text)
lines_of() { grep -cF -- "$2" "$1" || true; }
