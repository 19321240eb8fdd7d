# lib_fault.sh: what the fault tests share. Each test stores a clean
# reference ledger of 100,000 lines (vouch-gen's) under one unit, then the same lines under
# another unit while something fails, and asserts that the database ends the
# same for both: same lines, same findings, nothing twice, every batch done.
. "$VOUCH_SOURCE/tests/integration/lib.sh"
: "${VOUCH_FAULTY_WORKER:?run through ctest, which sets VOUCH_FAULTY_WORKER}"
# processes a test starts itself (workers that misbehave on purpose) go with
# the stack, whatever the test's end: `extra $!` after starting one
extra() { echo "$1" >>"$state/extra.pids"; }
kill_extras() {
    [ -f "$state/extra.pids" ] || return 0
    while read -r p; do kill -KILL "$p" 2>/dev/null || true; done <"$state/extra.pids"
}
s_on_exit() {
    local rc=$?
    # errexit would end the trap at (exit $rc) below, before cleanup: a
    # failed test then left its stack running and printed no logs
    set +e
    kill_extras
    (exit $rc) # cleanup reads the test's status from $?
    cleanup
}
trap s_on_exit EXIT
work=$state/work
mkdir -p "$work"
lines=${FAULT_LINES:-100200} # vouch-gen's ledger: at least 100,000 lines (whole vouchers)

# conf SETTING...: a vouch.conf for the test before the stack first starts;
# a short dispatch_timeout so a lost batch is sent again within seconds
conf() {
    {
        echo "policy_file = $VOUCH_SOURCE/deploy/policy/cn-default.json"
        echo "sql_dir = $VOUCH_SOURCE/sql"
        echo "dispatch_timeout = 3"
        echo "max_attempts = 20"
        for s in "$@"; do echo "$s"; done
    } >"$state/vouch.conf"
}

# ledger UNIT FILE [LINES]: a realistic ledger made by vouch-gen (its
# planted findings and decoys included), the same lines each time, under UNIT
ledger() {
    local unit=$1 out=$2 n=${3:-$lines}
    local base=$work/gen-$n
    [ -d "$base" ] || "$VOUCH_BIN/vouch-gen" --out "$base" --lines "$n" --orgs 1 --seed 11 >/dev/null
    local src
    src=$(ls "$base"/org*.csv)
    U="$unit" O="$(sed -n '2s/,.*//p' "$src")" perl -Mutf8 -MEncode -CSD -pe \
        'BEGIN { $u = decode_utf8($ENV{U}); $o = decode_utf8($ENV{O}) } s/^\Q$o\E,/$u,/' \
        "$src" >"$out"
}

# dump UNIT: what the database holds of UNIT, the unit's own name left out:
# ledgers; lines (count, totals, a digest of every line's key and content);
# findings (count, a digest of every finding's line, rule, amount and
# severity); findings or lines stored twice; batches not done
dump() {
    local u=${1//\'/\'\'}
    sql "SELECT 'ledgers', count(*), sum(l.lines) FROM ledgers l JOIN orgs o USING (org_id) WHERE o.name = '$u'"
    sql "SELECT 'lines', count(*), sum(x.debit), sum(x.credit),
                md5(string_agg(concat_ws('|', x.fiscal_year, x.period, x.voucher_word, x.voucher_no,
                                         x.line_no, x.debit, x.credit, x.summary, x.account_code),
                               ',' ORDER BY x.fiscal_year, x.period, x.voucher_word, x.voucher_no, x.line_no))
         FROM lines x JOIN orgs o USING (org_id) WHERE o.name = '$u'"
    sql "SELECT 'findings', count(*),
                md5(string_agg(concat_ws('|', f.rule, x.fiscal_year, x.period, x.voucher_word,
                                         x.voucher_no, x.line_no, f.amount, f.severity),
                               ',' ORDER BY f.rule, x.fiscal_year, x.period, x.voucher_word, x.voucher_no, x.line_no))
         FROM findings f JOIN lines x USING (ledger_id, seq, org_id, fiscal_year, period)
         JOIN orgs o ON o.org_id = f.org_id WHERE o.name = '$u'"
    sql "SELECT 'twice', (SELECT count(*) - count(DISTINCT (f.ledger_id, f.seq, f.rule)) FROM findings f
                          JOIN orgs o USING (org_id) WHERE o.name = '$u'),
                         (SELECT count(*) - count(DISTINCT (x.fiscal_year, x.period, x.voucher_word, x.voucher_no, x.line_no))
                          FROM lines x JOIN orgs o USING (org_id) WHERE o.name = '$u')"
    sql "SELECT 'not done', count(*) FROM batches b JOIN orgs o USING (org_id)
         WHERE o.name = '$u' AND b.state <> 'done'"
}

# reference: the clean run, stored and analysed before any fault
reference() {
    ledger 参照单位 "$work/reference.csv"
    ctl ingest --wait --timeout 300 "$work/reference.csv" >/dev/null
    dump 参照单位 >"$work/reference.dump"
    local n
    n=$(sed -n 's/^lines|\([0-9]*\)|.*/\1/p' "$work/reference.dump")
    [ "$n" -ge 100000 ] || [ "$lines" -lt 100000 ] || fail "the reference holds only $n lines"
    ok "reference: $(sed -n 's/^lines|\([0-9]*\)|.*/\1/p' "$work/reference.dump") lines, $(sed -n 's/^findings|\([0-9]*\)|.*/\1/p' "$work/reference.dump") findings"
}

# settle UNIT CLEARED: wait until UNIT's ledger is analysed (every batch
# done), at most 60 s after CLEARED (the $SECONDS at which the fault cleared);
# then it must equal the reference
settle() {
    local u=$1 cleared=${2:-$SECONDS}
    local deadline=$((cleared + 60))
    while [ $SECONDS -lt $deadline ]; do
        if [ "$(sql "SELECT count(*) FROM ledgers l JOIN orgs o USING (org_id)
                     WHERE o.name = '$u' AND l.analysed_at IS NOT NULL
                     AND l.cross_checked_at IS NOT NULL" 2>/dev/null)" = 1 ]; then
            break
        fi
        sleep 0.5
    done
    dump "$u" >"$work/$u.dump"
    if ! diff -u "$work/reference.dump" "$work/$u.dump"; then
        fail "$u differs from the clean run $((SECONDS - cleared)) s after the fault cleared"
    fi
    ok "$u equals the clean run $((SECONDS - cleared)) s after the fault cleared: same lines, same findings, none twice, every batch done"
}

# wait_for WHAT SQL: until the query says something other than 0 (20 s at most)
wait_for() {
    local deadline=$((SECONDS + 20))
    while [ $SECONDS -lt $deadline ]; do
        [ "$(sql "$2" 2>/dev/null || echo 0)" != 0 ] && return 0
        sleep 0.05
    done
    fail "waited 20 s for $1"
}

pid_of() { cat "$state/run/$1.pid"; }
# running PID: the process exists and has not exited (a zombie has: its
# parent, the shell that started it, is gone and nobody may reap it soon)
running() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
