# lib.sh: what the integration tests share: a private stack (PostgreSQL, vouchd,
# workers) under a fresh state folder, torn down when the test exits.
set -euo pipefail
: "${VOUCH_SOURCE:?run through ctest, which sets VOUCH_SOURCE and VOUCH_BIN}"
: "${VOUCH_BIN:?}"
export VOUCH_BIN
fixtures=$VOUCH_SOURCE/tests/fixtures
state=$(mktemp -d /tmp/vouch-it.XXXXXX)
export VOUCH_HOME=$state

# on_exit CMD: run CMD (a helper the test started) before the stack goes down
exit_hooks=()
on_exit() { exit_hooks+=("$1"); }

cleanup() {
    local rc=$?
    for h in "${exit_hooks[@]}"; do eval "$h" >/dev/null 2>&1 || true; done
    if [ $rc -ne 0 ]; then
        echo "--- logs of the failed test ($state/log) ---" >&2
        tail -n 30 "$state"/log/*.log >&2 2>/dev/null || true
    fi
    "$VOUCH_SOURCE/deploy/stack.sh" down "$state" >/dev/null 2>&1 || true
    rm -rf "$state"
    exit $rc
}
trap cleanup EXIT

ctl() { "$VOUCH_BIN/vouchctl" --home "$state" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
    [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
    ok "$1"
}

stack_up() { "$VOUCH_SOURCE/deploy/stack.sh" up "$state" "$@"; }

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || true
# as_pg CMD...: a PostgreSQL tool run as the cluster's owner (PostgreSQL
# refuses root: as root, deploy/stack.sh's cluster belongs to the user vouch)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u vouch -- "$@"; else "$@"; fi; }

# psql on the stack's own database (as SQL_USER, default vouch's own role;
# through SQL_SOCKET, default the stack's cluster's socket folder)
sql() {
    as_pg psql -h "${SQL_SOCKET:-$state/pg/run}" -U "${SQL_USER:-vouch}" -d vouch -tAX -v ON_ERROR_STOP=1 -c "$1"
}

# reload_policy OLD_VERSION: SIGHUP vouchd and wait until status serves another
# policy version; prints the new one (fails the test when none comes)
reload_policy() {
    local v=$1
    kill -HUP "$(cat "$state/run/vouchd.pid")"
    for _ in $(seq 1 50); do
        v=$(ctl status --format json | jq -r .policy_version)
        [ "$v" != "$1" ] && break
        sleep 0.1
    done
    [ "$v" != "$1" ] || fail "SIGHUP did not reload the policy"
    echo "$v"
}
