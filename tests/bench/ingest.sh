#!/usr/bin/env bash
# ingest.sh: the ingest benchmark (issue 9). Each run times `vouchctl ingest
# --wait` of a generated ledger against psql \copy of the same CSV into a bare
# table in the same cluster (the floor), with vouchd's stage times and the
# peak RSS of vouchd and its workers. Speed is reported, never asserted.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
args=("$@")

usage() {
    cat <<'EOF'
usage: tests/bench/ingest.sh [--lines N] [--runs K] [--workers W[,W...]] [--dir DIR]
                             [--monthly] [--keep] [--out FILE]

For each worker count, a fresh stack (deploy/stack.sh) and K runs, each on a
ledger of a unit of its own, alternating which goes first: psql \copy into a
bare table of text columns and a bigserial key (the floor), and vouchctl
ingest --wait (stored, analysed, the rules across ledgers done, findings
stored). A run that did not store every line, or found nothing, fails it.

  --lines N      lines per ledger (default 1000000; with --monthly, per month:
                 default 10000)
  --runs K       runs per worker count (default 3; not with --monthly)
  --workers LIST worker counts, e.g. 1,2,4: a series each (default 2)
  --monthly      a unit's twelve months one by one instead: three to have
                 history, then each month timed from its arrival
  --dir DIR      state folder, new or empty (default a fresh /tmp/vouch-bench.*)
  --keep         keep the state folder (else only the raw numbers stay)
  --out FILE     raw numbers, TSV (default DIR/bench.tsv)
VOUCH_BIN names the folder of the binaries (default build/bin, built if missing).
EOF
}
die() { echo "ingest.sh: $*" >&2; exit 1; }

lines=""; runs=3; workers=2; dir=""; monthly=0; keep=0; out=""
while [ $# -gt 0 ]; do
    case $1 in
        --lines) lines=${2:?}; shift 2 ;;
        --runs) runs=${2:?}; shift 2 ;;
        --workers) workers=${2:?}; shift 2 ;;
        --dir) dir=${2:?}; shift 2 ;;
        --out) out=${2:?}; shift 2 ;;
        --monthly) monthly=1; shift ;;
        --keep) keep=1; shift ;;
        --help | -h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
[ $monthly -eq 1 ] && lines=${lines:-10000}
lines=${lines:-1000000}
[[ $lines =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ && $workers =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] ||
    { usage >&2; exit 2; }

VOUCH_BIN_GIVEN=${VOUCH_BIN:-}
export VOUCH_BIN=${VOUCH_BIN:-$top/build/bin}
for b in vouchd vouch-worker vouchctl vouch-gen; do
    [ -x "$VOUCH_BIN/$b" ] && continue
    [ "$VOUCH_BIN" = "$top/build/bin" ] || die "no $VOUCH_BIN/$b"
    cmake -S "$top" -B "$top/build" >/dev/null && cmake --build "$top/build" -j"$(nproc)" >/dev/null
    break
done

if [ -n "$dir" ]; then
    mkdir -p "$dir"
    # every run must be a unit's first ledger: an old stack would say duplicate
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
    dir=$(cd "$dir" && pwd)
else
    dir=$(mktemp -d /tmp/vouch-bench.XXXXXX)
fi
chmod 711 "$dir"   # the cluster's owner reads the ledgers for \copy
out=${out:-$dir/bench.tsv}
state=""   # the stack of the series being run
stacks=()
cleanup() {
    local rc=$? s
    for s in "${stacks[@]}"; do
        [ $rc -eq 0 ] || { echo "--- logs ($s/log) ---" >&2; tail -n 20 "$s"/log/*.log >&2 || true; }
        "$top/deploy/stack.sh" down "$s" >/dev/null 2>&1 || true
    done
    # the clusters and ledgers take gigabytes; the raw numbers are kept
    [ $keep -eq 1 ] || find "$dir" -mindepth 1 -maxdepth 1 ! -path "$out" -exec rm -rf {} +
    [ $keep -eq 1 ] || rmdir "$dir" 2>/dev/null || true
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pg() {  # PostgreSQL refuses root: as root, its tools run as the cluster's owner
    if [ "$(id -u)" -eq 0 ]; then runuser -u vouch -- "$@"; else "$@"; fi
}
psql_() { as_pg "$pgbin/psql" -h "$state/pg/run" -U vouch -d vouch -tAX -v ON_ERROR_STOP=1 "$@"; }
sql() { psql_ -c "$1"; }
now() { date +%s.%N; }
# the machine's busy CPU seconds so far, all cores (user, nice, system, irq,
# softirq): a run's difference says how much of its wall clock was computing
busy() { awk '$1 == "cpu" { printf "%.2f", ($2 + $3 + $4 + $7 + $8) / 100; exit }' /proc/stat; }
# the CPU seconds of vouchd, of its workers and of PostgreSQL (the postmaster
# and its children, living or reaped) so far: "D W P"
cpu_split() {
    local p pids=() pm
    pm=$(head -n 1 "$state/pg/data/postmaster.pid")
    pids=("$(cat "$state/run/vouchd.pid")")
    for p in "$state"/run/worker.*.pid; do pids+=("w$(cat "$p")"); done
    pids+=("p$pm"); for p in $(pgrep -P "$pm"); do pids+=("p$p"); done
    for p in "${pids[@]}"; do
        # utime stime cutime cstime, after the command's parenthesised name
        printf '%s ' "${p:0:1}"; sed 's/.*) //' "/proc/${p#[wp]}/stat" 2>/dev/null | cut -d' ' -f12-15 || echo
    done | awk '{ t = ($2 + $3 + $4 + $5) / 100; if ($1 == "w") w += t; else if ($1 == "p") g += t; else d += t }
                END { printf "%.2f %.2f %.2f", d, w, g }'
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# floor FILE: the seconds psql \copy takes over FILE (r_floor), and its rows (r_rows)
floor_run() {
    local n cols names t0 c0
    n=$(head -n 1 "$1" | awk -F, '{ print NF }')
    cols=$(seq 1 "$n" | sed 's/.*/c& text/' | paste -sd,)
    names=$(seq 1 "$n" | sed 's/^/c/' | paste -sd,)
    sql "CREATE TABLE bench_bare (id bigserial PRIMARY KEY, $cols)" >/dev/null
    sql "CHECKPOINT" >/dev/null   # neither side pays for the other's dirty pages
    t0=$(now); c0=$(busy)
    psql_ -c "\\copy bench_bare ($names) FROM '$1' WITH (FORMAT csv, HEADER)" >/dev/null
    r_floor=$(sub "$t0" "$(now)"); r_floor_cpu=$(sub "$c0" "$(busy)")
    r_rows=$(sql "SELECT count(*) FROM bench_bare")
    sql "DROP TABLE bench_bare" >/dev/null
}

pidfiles() { ls "$state"/run/vouchd.pid "$state"/run/worker.*.pid; }
# the peak RSS (VmHWM) of PIDFILE's process in MB
peak_mb() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$(cat "$1")/status"; }

# vouch FILE: the seconds ingest --wait takes (r_vouch), its JSON (r_json), peak RSS
vouch_run() {
    local p t0 c0 w
    sql "CHECKPOINT" >/dev/null
    # resets each peak to the current RSS (Linux 4.0): the peak is this run's
    for p in $(pidfiles); do echo 5 >"/proc/$(cat "$p")/clear_refs"; done
    local a b
    read -ra a <<<"$(cpu_split)"
    t0=$(now); c0=$(busy)
    r_json=$("$VOUCH_BIN/vouchctl" --home "$state" ingest --wait --timeout 7200 --format json "$1") ||
        die "ingest of $1 failed: $r_json"
    r_vouch=$(sub "$t0" "$(now)"); r_vouch_cpu=$(sub "$c0" "$(busy)")
    read -ra b <<<"$(cpu_split)"
    r_cpu_split="$(sub "${a[0]}" "${b[0]}")	$(sub "${a[1]}" "${b[1]}")	$(sub "${a[2]}" "${b[2]}")"
    r_rss_d=$(peak_mb "$state/run/vouchd.pid")
    r_rss_w=0
    for p in "$state"/run/worker.*.pid; do
        w=$(peak_mb "$p"); [ "$w" -le "$r_rss_w" ] || r_rss_w=$w
    done
}

# logged NEEDLE: the epoch seconds of vouchd's last log line holding NEEDLE
logged() {
    local ts
    ts=$(grep -F -- "$1" "$state/log/vouchd.log" | tail -n 1 | cut -d' ' -f1)
    [ -n "$ts" ] && date -d "$ts" +%s.%N || echo ""
}
stage() {  # stage LEDGER NAME: seconds from vouchd's "ledger N: stage NAME S s", or -
    local s
    s=$(sed -n "s/.* ledger $1: stage $2 \([0-9.]*\) s.*/\1/p" "$state/log/vouchd.log" | tail -n 1)
    echo "${s:--}"
}

# measure CASE W RUN FILE: one run, both orders alternating; a row of $out
measure() {
    local kase=$1 w=$2 run=$3 file=$4 first id got found recv out_back t s row
    if [ $((run % 2)) -eq 1 ]; then first=floor; floor_run "$file"; vouch_run "$file"
    else first=vouch; vouch_run "$file"; floor_run "$file"; fi
    [ "$r_rows" -gt 0 ] || die "$file: the floor read no rows"
    id=$(jq -r .ledger_id <<<"$r_json")
    got=$(jq -r .lines <<<"$r_json")
    found=$(jq -r .findings <<<"$r_json")
    [ "$(jq -r .status <<<"$r_json")" = accepted ] || die "$file: not accepted: $r_json"
    [ "$got" = "$r_rows" ] || die "$file: vouch stored $got lines, the CSV holds $r_rows"
    [ "$found" -gt 0 ] 2>/dev/null || die "$file: no findings: $r_json"
    [ -z "$(sql "SELECT cross_error FROM ledgers WHERE ledger_id = $id")" ] ||
        die "$file: the rules across ledgers failed (vouchd.log says why)"
    # from vouchd's log: seconds after the file was received into the spool
    recv=$(logged "info: received $(basename "$file") (")
    row="$kase	$w	$run	$first	$(basename "$file")	$got	$r_floor	$r_vouch"
    row+="	$(awk -v v="$r_vouch" -v f="$r_floor" -v n="$got" 'BEGIN { printf "%.2f\t%.0f", v / f, n / v }')"
    # and from the database: its first batch out to the workers, its last one back
    out_back=$(sql "SELECT extract(epoch FROM min(dispatched_at)) || ' ' || extract(epoch FROM max(done_at))
                    FROM batches WHERE ledger_id = $id")
    for t in "$(logged " as ledger $id: ")" ${out_back:-- -} "$(logged "info: ledger $id analysed")" \
             "$(logged "info: ledger $id: cross-voucher rules done")"; do
        if [ -n "$recv" ] && [ -n "$t" ] && [ "$t" != - ]; then row+="	$(sub "$recv" "$t")"; else row+="	-"; fi
    done
    for s in parse_copy vouchers voucher_rules commit dispatch cross; do row+="	$(stage "$id" "$s")"; done
    row+="	$r_floor_cpu	$r_vouch_cpu	$r_cpu_split"
    echo "$row	$r_rss_d	$r_rss_w	$found" >>"$out"
}

# the Markdown table of the rows of CASE with W workers: each run, medians, max RSS
table() {
    awk -F'\t' -v kase="$1" -v w="$2" '
    function med(c,   n, i, j, t, v) {
        n = 0
        for (i = 1; i <= rows; i++) if (cell[i, c] != "-") v[++n] = cell[i, c] + 0
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        if (n == 0) return "-"
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    function mx(c,   i, m) { m = 0; for (i = 1; i <= rows; i++) if (cell[i, c] + 0 > m) m = cell[i, c] + 0; return m }
    function fmt(c, v) {  # as the rows write them: counts whole, the ratio to 2 places
        if (v == "-") return v
        return sprintf(c == 6 || c == 10 || c >= nf - 2 ? "%.0f" : c == 9 ? "%.2f" : "%.3f", v)
    }
    NR == 1 { for (c = 6; c <= NF - 1; c++) head = head " | " $c; next }
    $1 == kase && $2 == w { rows++; for (c = 1; c <= NF; c++) cell[rows, c] = $c; nf = NF }
    END {
        print "| run (first) | file" head " |"
        sep = "| --- | ---"; for (c = 6; c <= nf - 1; c++) sep = sep " | ---"; print sep " |"
        for (i = 1; i <= rows; i++) {
            line = "| " cell[i, 3] " (" cell[i, 4] ") | " cell[i, 5]
            for (c = 6; c <= nf - 1; c++) line = line " | " cell[i, c]
            print line " |"
        }
        line = "| **median** |"; for (c = 6; c <= nf - 1; c++) line = line " | " fmt(c, med(c)); print line " |"
        line = "| max |"; for (c = 6; c <= nf - 1; c++) line = line " | " (c >= nf - 2 ? mx(c) : ""); print line " |"
    }' "$out"
}

# the ledgers, written once before anything is timed: a unit of its own per
# run (--first-org), or one unit's months
gen() { "$VOUCH_BIN/vouch-gen" --quiet --out "$dir/ledgers" --orgs 1 --seed "$2" --first-org "$2" --lines "$1" "${@:3}"; }
files=()
if [ $monthly -eq 1 ]; then
    gen $((lines * 12)) 200 --split-months
    files=("$dir"/ledgers/org200-2022-*.csv)
    [ ${#files[@]} -eq 12 ] || die "vouch-gen wrote ${#files[@]} months, not 12"
else
    for i in $(seq 1 "$runs"); do gen "$lines" $((100 + i)); files+=("$dir/ledgers/org$((100 + i))-2022.csv"); done
fi

printf 'case\tworkers\trun\tfirst\tfile\tlines\tfloor s\tvouch s\tvouch/floor\tlines/s\tstored\tfirst out\tlast back\tanalysed\tchecked\tparse_copy\tvouchers\tvoucher_rules\tcommit\tdispatch\tcross\tfloor CPU s\tvouch CPU s\tCPU vouchd\tCPU workers\tCPU postgres\tRSS vouchd MB\tRSS workers MB\tfindings\n' >"$out"
kase=series; [ $monthly -eq 1 ] && kase=monthly
for w in ${workers//,/ }; do
    # a fresh stack per count: every series starts from an empty database
    state=$dir/w$w
    stacks+=("$state")
    "$top/deploy/stack.sh" up "$state" --workers "$w" >/dev/null
    if [ "$(stat -c %s "${files[0]}")" -gt 1073741824 ]; then
        # vouchd refuses a file over max_file_bytes (1 GiB by default), as it
        # should; 5,000,000 lines are 1.2 GB
        echo "max_file_bytes = 0" >>"$state/vouch.conf"
        "$top/deploy/stack.sh" down "$state" >/dev/null
        "$top/deploy/stack.sh" up "$state" --workers "$w" >/dev/null
    fi
    if [ $monthly -eq 1 ]; then
        # the first months give the unit a history; shown apart, not in the medians
        for m in 0 1 2; do measure history "$w" $((m + 1)) "${files[m]}"; done
        for m in $(seq 3 11); do measure "$kase" "$w" $((m + 1)) "${files[m]}"; done
    else
        for i in $(seq 1 "$runs"); do measure "$kase" "$w" "$i" "${files[i - 1]}"; done
    fi
    "$top/deploy/stack.sh" down "$state" >/dev/null
done

echo "# vouch ingest benchmark ($kase, $(date -u +%F), commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores)"
echo
repro="cd $top && ${VOUCH_BIN_GIVEN:+VOUCH_BIN=$VOUCH_BIN }tests/bench/ingest.sh"
for a in "${args[@]}"; do [[ $a =~ ^[[:alnum:]_./,=:-]+$ ]] && repro+=" $a" || repro+=" $(printf %q "$a")"; done
echo "reproduce: $repro"
for w in ${workers//,/ }; do
    echo; echo "## $w worker(s)"; echo; table "$kase" "$w"
    [ $monthly -eq 0 ] || { echo; echo "The first three months (history):"; echo; table history "$w"; }
done
cat <<EOF

Seconds, wall clock. stored .. checked: after vouchd logged the file received
into its spool, until it logged the ledger stored (parsed, copied, voucher
rules, committed), its first batch went out to a worker and its last came back
(batches.dispatched_at, done_at), vouchd logged it analysed, and the rules
across ledgers done. ingest --wait returns after that last one: vouch s holds
them all and the upload. parse_copy .. cross: vouchd's "stage" log lines, -
where it writes none. CPU s: the machine's busy CPU seconds (all $(nproc) cores)
during the floor's copy and during the vouch run; at most cores x wall clock.
CPU vouchd, workers, postgres: the CPU seconds of each during the vouch run
(PostgreSQL: the postmaster and all its backends).
RSS: peak (VmHWM) during the vouch run, reset before it;
workers: the largest of them. Raw: $out
EOF
