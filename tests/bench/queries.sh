#!/usr/bin/env bash
# queries.sh: auditors' queries on a large database (issue 10). Loads
# generated ledgers (units x fiscal years) through vouchd, then times the
# vouchctl commands an auditor runs, warm, each many times, against a
# vouchctl command that finds nothing (the baseline: process start, connect,
# a query of no rows), and keeps each query's plan (EXPLAIN ANALYZE, through
# auto_explain in the command's own session). Speed is reported, never asserted.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
args=("$@")

usage() {
    cat <<'EOF'
usage: tests/bench/queries.sh [--lines N] [--units K] [--years Y[,Y...]] [--runs R]
                              [--dir DIR] [--keep] [--reuse]

  --lines N     lines in all (default 10000000), shared by the years' ledgers
  --units K     units, a ledger each per year (default 20)
  --years LIST  fiscal years (default 2022,2023)
  --runs R      timed runs of each query, after one untimed (default 21)
  --dir DIR     state folder (default a fresh /tmp/vouch-queries.*)
  --keep        keep the state folder, to --reuse it
  --reuse       DIR holds a loaded database already: time the queries only
Writes DIR/queries.md (the tables and plans) and prints it.
VOUCH_BIN names the folder of the binaries (default build/bin).
EOF
}
die() { echo "queries.sh: $*" >&2; exit 1; }

lines=10000000; units=20; years=2022,2023; runs=21; dir=""; keep=0; reuse=0
while [ $# -gt 0 ]; do
    case $1 in
        --lines) lines=${2:?}; shift 2 ;;
        --units) units=${2:?}; shift 2 ;;
        --years) years=${2:?}; shift 2 ;;
        --runs) runs=${2:?}; shift 2 ;;
        --dir) dir=${2:?}; shift 2 ;;
        --keep) keep=1; shift ;;
        --reuse) reuse=1; keep=1; shift ;;
        --help | -h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
[[ $lines =~ ^[1-9][0-9]*$ && $units =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ &&
   $years =~ ^[0-9]{4}(,[0-9]{4})*$ ]] || { usage >&2; exit 2; }
[ $reuse -eq 0 ] || [ -d "$dir/stack/pg/data" ] || die "--reuse needs --dir DIR of an earlier run with --keep"

export VOUCH_BIN=${VOUCH_BIN:-$top/build/bin}
for b in vouchd vouch-worker vouchctl vouch-gen; do [ -x "$VOUCH_BIN/$b" ] || die "no $VOUCH_BIN/$b"; done
dir=${dir:-$(mktemp -d /tmp/vouch-queries.XXXXXX)}
mkdir -p "$dir"
chmod 711 "$dir"
state=$dir/stack
cleanup() {
    local rc=$?
    "$top/deploy/stack.sh" down "$state" >/dev/null 2>&1 || true
    [ $keep -eq 1 ] || rm -rf "$state" "$dir/ledgers"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg() {  # PostgreSQL refuses root: as root, its tools run as the cluster's owner
    if [ "$(id -u)" -eq 0 ]; then runuser -u vouch -- "$@"; else "$@"; fi
}
psql_() { as_pg "$pgbin/psql" -h "$state/pg/run" -d vouch -tAX -v ON_ERROR_STOP=1 "$@"; }
sql() { psql_ -c "$1"; }
ctl() { "$VOUCH_BIN/vouchctl" --home "$state" "$@"; }
now_ms() { date +%s%3N; }

"$top/deploy/stack.sh" up "$state" --workers 2 >/dev/null
if [ $reuse -eq 0 ]; then
    per=$((lines / $(tr , '\n' <<<"$years" | wc -l)))
    t0=$(now_ms)
    for y in ${years//,/ }; do
        # the same units every year (--first-org 0), a seed a year
        "$VOUCH_BIN/vouch-gen" --quiet --out "$dir/ledgers" --lines "$per" --orgs "$units" \
            --first-org 0 --seed "$y" --year "$y"
    done
    echo "generated $(ls "$dir"/ledgers/*.csv | wc -l) ledgers in $(( ($(now_ms) - t0) / 1000 )) s" >&2
    t0=$(now_ms)
    for f in "$dir"/ledgers/*.csv; do
        out=$(ctl ingest --wait --timeout 7200 --format json "$f") || die "ingest of $f: $out"
        [ "$(jq -r .status <<<"$out")" = accepted ] || die "$f: $out"
    done
    load_s=$(( ($(now_ms) - t0) / 1000 ))
    echo "loaded in $load_s s" >&2
    # warm means: statistics as autovacuum would have them by now, and the
    # tables read once
    sql "VACUUM ANALYZE" >/dev/null
    echo "$load_s" >"$dir/load_s"
fi
load_s=$(cat "$dir/load_s" 2>/dev/null || echo "?")

nlines=$(sql "SELECT count(*) FROM lines")
[ "$nlines" -gt 0 ] || die "no lines in $state"
nfind=$(sql "SELECT count(*) FROM findings")
nvouch=$(sql "SELECT count(*) FROM vouchers")
y1=${years%%,*}
unit=$(sql "SELECT o.name FROM orgs o JOIN findings f USING (org_id) GROUP BY o.name ORDER BY count(*) DESC, o.name LIMIT 1")
rule=$(sql "SELECT rule FROM findings WHERE fiscal_year = $y1 GROUP BY rule ORDER BY count(*) DESC, rule LIMIT 1")
month=$(sql "SELECT period FROM findings f JOIN orgs o USING (org_id) WHERE o.name = '$unit' AND fiscal_year = $y1
             GROUP BY period ORDER BY count(*) DESC, period LIMIT 1")
mm=$(printf '%02d' "$month")
last=$(date -d "$y1-$mm-01 +1 month -1 day" +%F)
finding=$(sql "SELECT f.finding_id FROM findings f JOIN vouchers v ON v.ledger_id = f.ledger_id
               AND v.fiscal_year = f.fiscal_year AND v.period = f.period
               AND f.seq BETWEEN v.first_seq AND v.first_seq + v.lines - 1
               WHERE f.fiscal_year = $y1 ORDER BY v.lines DESC, f.finding_id LIMIT 1")
IFS='|' read -r vledger vword vno < <(sql "SELECT l.ledger_id, l.voucher_word, l.voucher_no
    FROM findings f JOIN lines l ON l.ledger_id = f.ledger_id AND l.seq = f.seq
    AND l.fiscal_year = f.fiscal_year AND l.period = f.period WHERE f.finding_id = $finding")
vperiod=$(sql "SELECT fiscal_year || '-' || lpad(period::text, 2, '0') FROM findings WHERE finding_id = $finding")
voucher=$vno; [ -n "$vword" ] && voucher="$vword-$vno"

# NAME|what it is|vouchctl arguments (tab-separated words)
queries=(
    "baseline|a query of no rows (process, connect, plan)|flags	--ledger	0	--format	json"
    "org-month|one unit's findings for a fiscal month ($unit, $y1-$mm)|flags	--org	$unit	--period	$y1-$mm	--format	json"
    "org-month-dates|the same by voucher date (--from $y1-$mm-01 --to $last)|flags	--org	$unit	--from	$y1-$mm-01	--to	$last	--format	json"
    "rule-year|one rule across a fiscal year, every unit ($rule, $y1)|flags	--rule	$rule	--year	$y1	--format	json"
    "voucher|one voucher with its lines and findings (show $finding)|show	$finding	--format	json"
    "voucher-by-key|the same by ledger, period and voucher (show --ledger $vledger --period $vperiod --voucher $voucher)|show	--ledger	$vledger	--period	$vperiod	--voucher	$voucher	--format	json"
)

md=$dir/queries.md
{
    echo "# auditors' queries ($(date -u +%F), commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores)"
    echo
    echo "reproduce: cd $top && tests/bench/queries.sh ${args[*]}"
    echo
    echo "Database: $nlines lines, $nvouch vouchers, $nfind findings; $units units x years $years;"
    echo "loaded through vouchd in $load_s s, then VACUUM ANALYZE. Each command run once"
    echo "untimed, then $runs times: wall-clock milliseconds of the whole vouchctl process"
    echo "(start, connect, queries, output). SQL ms: the executor time of the command's"
    echo "statements (auto_explain's durations, summed), median of $runs more runs."
    echo
    echo "| query | what | rows | median ms | min | max | median - baseline | SQL ms (median) |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} >"$md"
base=""
plans=$dir/plans.txt
: >"$plans"
for q in "${queries[@]}"; do
    IFS='|' read -r name what argline <<<"$q"
    IFS=$'\t' read -r -a a <<<"$argline"
    out=$(ctl "${a[@]}") || die "$name: vouchctl ${a[*]} failed"
    rows=$(jq 'if type == "array" then length elif .lines then (.lines | length) else 1 end' <<<"$out" 2>/dev/null || echo "?")
    ts=()
    for _ in $(seq 1 "$runs"); do
        t0=$(date +%s%N)
        ctl "${a[@]}" >/dev/null
        ts+=($(( ($(date +%s%N) - t0) / 1000 )))
    done
    read -r med mn mx < <(printf '%s\n' "${ts[@]}" | sort -n |
        awk '{ v[NR] = $1 } END { printf "%.1f %.1f %.1f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000, v[1] / 1000, v[NR] / 1000 }')
    [ -n "$base" ] || base=$med
    # the database's share: the executor time of the command's statements,
    # as auto_explain reports it (plans printed, not instrumented)
    qs=()
    for _ in $(seq 1 "$runs"); do
        qs+=("$(PGOPTIONS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_level=notice" \
            ctl "${a[@]}" 2>&1 >/dev/null | awk '/duration: [0-9.]+ ms/ { for (i = 1; i < NF; i++) if ($i == "duration:") t += $(i + 1) } END { printf "%.3f", t }')")
    done
    sqlmed=$(printf '%s\n' "${qs[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    echo "| $name | $what | $rows | **$med** | $mn | $mx | $(awk -v m="$med" -v b="$base" 'BEGIN { printf "%.1f", m - b }') | $sqlmed |" >>"$md"
    # the plans, as the command's own session ran them
    {
        echo "### $name: vouchctl ${a[*]}"
        echo
        echo '```'
        PGOPTIONS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_level=notice" \
            ctl "${a[@]}" 2>&1 >/dev/null | grep -v '^NOTICE:  *$' | sed 's/^NOTICE:  //'
        echo '```'
        echo
    } >>"$plans"
done
{ echo; echo "## Plans (EXPLAIN ANALYZE, BUFFERS)"; echo; cat "$plans"; } >>"$md"
cat "$md"
