#!/usr/bin/env bash
# stack.sh: a local vouch: a private PostgreSQL (unless DIR/vouch.conf names a
# server), vouchd and N workers, all under one state folder.
#   deploy/stack.sh up DIR [--workers N]   start whatever in DIR is not running; wait until healthy
#   deploy/stack.sh down DIR               stop what `up` started in DIR; the data stays
#   deploy/stack.sh status DIR             what runs in DIR
# VOUCH_BIN overrides the folder of the binaries (default: build/bin, built if missing).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pguser=vouch   # PostgreSQL refuses to run as root: as root, the cluster belongs to this user

usage() { echo "usage: stack.sh up|down|status DIR [--workers N]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1; dir=$2; shift 2
workers=""
while [ $# -gt 0 ]; do
    case $1 in
        --workers) workers=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bin=${VOUCH_BIN:-$top/build/bin}
run=$dir/run
mkdir -p "$run" "$dir/log"
chmod 711 "$dir"   # others may pass through (the cluster owner must), not list
chmod 700 "$run"

conf_get() {  # the value of a setting in vouch.conf, or empty
    [ -f "$dir/vouch.conf" ] || return 0
    sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"#]*\)\"\{0,1\}.*/\1/p" "$dir/vouch.conf" | tail -n 1 | sed 's/[[:space:]]*$//'
}

as_pg() {  # run a PostgreSQL tool as the cluster's owner
    if [ "$(id -u)" -eq 0 ]; then runuser -u "$pguser" -- "$@"; else "$@"; fi
}

# alive PIDFILE: the pid in it runs, and is one of ours (after a reboot the
# number may belong to anything: such a process is never signalled)
alive() {
    [ -f "$1" ] || return 1
    local pid; pid=$(cat "$1")
    kill -0 "$pid" 2>/dev/null || return 1
    local args; args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    # in bash, not through pipes: under pipefail, `echo | head -n 1 | grep -q`
    # failed about once in a thousand (echo killed by SIGPIPE once head had
    # its line), and down then took a live vouchd for dead and left it running
    [[ ${args%%$'\n'*} =~ (vouchd|vouch-worker)$ ]] && [[ $'\n'$args$'\n' == *$'\n'"$dir"$'\n'* ]]
}

embedded() { [ -z "$(conf_get database)" ]; }

pg_up() {
    embedded || return 0
    local data=$dir/pg/data sock=$dir/pg/run
    if [ "$(id -u)" -eq 0 ]; then
        id -u "$pguser" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pguser"
        # the cluster's owner must be able to reach its folder: grant search (x) only
        local d=$dir
        while [ "$d" != "/" ]; do
            if ! runuser -u "$pguser" -- test -x "$d" 2>/dev/null; then
                setfacl -m "u:$pguser:x" "$d" 2>/dev/null || {
                    echo "stack: user $pguser cannot reach $d; choose a state folder it can reach" >&2; exit 1; }
            fi
            d=$(dirname "$d")
        done
    fi
    mkdir -p "$dir/pg"
    if [ "$(id -u)" -eq 0 ]; then chown "$pguser" "$dir/pg"; fi
    chmod 700 "$dir/pg"
    if [ ! -f "$data/PG_VERSION" ]; then
        as_pg mkdir -p "$sock"
        as_pg "$pgbin/initdb" -D "$data" -U vouch --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/log/initdb.log" 2>&1 || {
            echo "stack: initdb failed; see $dir/log/initdb.log" >&2; exit 1; }
        cat >>"$data/postgresql.conf" <<CONF
# vouch: a private cluster, reachable only through its Unix socket
listen_addresses = ''
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
shared_buffers = 256MB
max_wal_size = 2GB
CONF
    fi
    if ! as_pg "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_pg "$pgbin/pg_ctl" -D "$data" -l "$dir/pg/postgresql.log" -w -t 60 start >/dev/null || {
            echo "stack: PostgreSQL did not start; see $dir/pg/postgresql.log" >&2; exit 1; }
    fi
    if ! as_pg "$pgbin/psql" -h "$sock" -U vouch -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'vouch'" | grep -q 1; then
        as_pg "$pgbin/createdb" -h "$sock" -U vouch vouch
    fi
}

start() {  # start NAME PIDFILE LOG CMD...
    local name=$1 pidfile=$2 log=$3; shift 3
    alive "$pidfile" && return 0
    nohup "$@" >>"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    # until the child has become the program its command line is still the
    # shell's, then nohup's, and alive() does not know it as ours: a health
    # check (or a down) in that window took a starting vouchd for dead and
    # left it running. Wait for the exec (or the end of the process).
    local pid=$!
    for _ in $(seq 1 250); do
        alive "$pidfile" && return 0
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.02
    done
}

stop() {  # stop PIDFILE: SIGTERM, wait, then SIGKILL
    local pidfile=$1
    alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    local pid; pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    # gone, or a zombie (exited; whoever started it may not be there to reap it)
    for _ in $(seq 1 100); do
        grep -qs '^State:[[:space:]]*[^Z[:space:]]' "/proc/$pid/status" || break
        sleep 0.1
    done
    # only if it is still ours: once it is gone its number may be given to
    # another process (pids wrap within minutes where pid_max is 32768), such
    # as another stack's vouchd just started
    if alive "$pidfile"; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$pidfile"
}

case $cmd in
up)
    if [ ! -x "$bin/vouchd" ] || [ ! -x "$bin/vouch-worker" ] || [ ! -x "$bin/vouchctl" ]; then
        "$top/deploy/setup.sh"
    fi
    if [ ! -f "$dir/vouch.conf" ]; then
        cat >"$dir/vouch.conf" <<CONF
# vouch.conf: see README.md, "Configuration". Unset settings take their defaults.
# database = host=/path/to/socket dbname=vouch user=vouch   # empty: the private cluster in pg/
policy_file = $top/deploy/policy/cn-default.json
sql_dir = $top/sql
CONF
    fi
    n=${workers:-$(conf_get workers)}; n=${n:-2}
    # CURVE on an endpoint (vouch.conf's curve = on, or a tcp:// address other
    # hosts reach): the keys vouch.conf names, made where missing, this host's
    # client key allowed, so that the stack still comes up with one command
    "$bin/vouchctl" --home "$dir" keygen --missing | sed -n 's/^made /stack: made /p'
    pg_up
    start vouchd "$run/vouchd.pid" "$dir/log/vouchd.log" "$bin/vouchd" --home "$dir"
    for i in $(seq 1 "$n"); do
        start worker "$run/worker.$i.pid" "$dir/log/worker.$i.log" "$bin/vouch-worker" --home "$dir" --id "worker-$i"
    done
    # healthy: vouchd answers, its database is up, and the workers have said hello
    deadline=$((SECONDS + 30))
    while [ $SECONDS -lt $deadline ]; do
        if st=$("$bin/vouchctl" --home "$dir" status --format json 2>/dev/null) &&
           [[ $st == *'"state": "up"'* ]] &&
           [ "$(sed -n 's/.*"count": \([0-9]*\).*/\1/p' <<<"$st" | sed -n 1p)" -ge "$n" ]; then
            echo "vouch is up in $dir: vouchd and $n worker(s); export VOUCH_HOME=$dir"
            exit 0
        fi
        alive "$run/vouchd.pid" || { echo "stack: vouchd exited; see $dir/log/vouchd.log" >&2; tail -n 5 "$dir/log/vouchd.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "stack: not healthy after 30 s; see $dir/log/" >&2
    exit 1
    ;;
down)
    for p in "$run"/worker.*.pid; do [ -e "$p" ] && stop "$p"; done
    stop "$run/vouchd.pid"
    if embedded && [ -f "$dir/pg/data/PG_VERSION" ]; then
        as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    echo "vouch is down in $dir (data kept)"
    ;;
status)
    alive "$run/vouchd.pid" && echo "vouchd running (pid $(cat "$run/vouchd.pid"))" || echo "vouchd stopped"
    for p in "$run"/worker.*.pid; do [ -e "$p" ] && { alive "$p" && echo "$(basename "$p" .pid) running" || echo "$(basename "$p" .pid) stopped"; }; done
    if embedded; then
        as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" status >/dev/null 2>&1 && echo "postgresql running" || echo "postgresql stopped"
    fi
    ;;
*) usage ;;
esac
