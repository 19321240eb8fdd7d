#!/usr/bin/env bash
# Recall and precision of every rule of RULES.md on labelled synthetic ledgers.
# tests/gen/vouch-gen writes ledgers with findings planted for each rule (in
# varied wording, a decoy beside each) and the labels saying where; the truth
# comes from the generator, never from vouch. Three runs, each with units of
# its own in one stack: CSV, JSON Lines (documents[]), and CSV split into
# monthly files sent month by month (a split purchase, a duplicate, contract
# installments straddling two files). For each run a table of TP/FP/FN,
# recall and precision per rule; the test fails unless every rule is 1.0/1.0.
#
# Findings are compared on (rule, org, voucher date, voucher, line). The rules
# about a whole voucher (UNBALANCED_VOUCHER, SEQUENCE_GAP,
# PREPARER_IS_REVIEWER) are compared on the voucher, whichever lines they
# name; SEQUENCE_GAP is expected on the voucher that follows the gap (the
# key is label_key.jq's, which tests/multihost compares on too).
#
# VOUCH_GEN_SEED, VOUCH_GEN_LINES change the seed (default 20220) and the
# lines per run (default 6000); VOUCH_RECALL_KEEP=DIR keeps the ledgers,
# labels and flags there for a look.
. "$(dirname "$0")/lib.sh"
gen=$VOUCH_BIN/vouch-gen
[ -x "$gen" ] || fail "$gen is missing: build the tree first"
seed=${VOUCH_GEN_SEED:-20220}
lines=${VOUCH_GEN_LINES:-6000}
policy=$VOUCH_SOURCE/deploy/policy/cn-default.json

rules='["MISCLASS_EXPENSE","INDICATOR_MISMATCH","PAYEE_MISMATCH","PROCUREMENT_BYPASS",
"SPLIT_PURCHASE","RETROACTIVE_APPROVAL","STALE_DOCUMENT","MISSING_DOCUMENT",
"DUPLICATE_PAYMENT","UNBALANCED_VOUCHER","SEQUENCE_GAP","PREPARER_IS_REVIEWER"]'

# Per rule: TP, FP, FN and the findings behind FP and FN; the key is
# label_key.jq's.
compare_jq='
include "label_key";
def key: label_key;
def index_by_key: map({key: key, value: .}) | from_entries;
$flagsf[0] as $flags
| ($labels | index_by_key) as $L
| ($decoys | index_by_key) as $D
| ($flags | index_by_key) as $F
| [ $rules[] as $r
    | ($L | to_entries | map(select(.value.rule == $r))) as $lr
    | ($F | to_entries | map(select(.value.rule == $r))) as $fr
    | ([$lr[] | select($F[.key] != null)] | length) as $tp
    | { rule: $r, built: (($built | index($r)) != null),
        labels: ($lr | length), flags: ($fr | length), tp: $tp,
        fn: (($lr | length) - $tp), fp: (($fr | length) - $tp),
        missed: [$lr[] | select($F[.key] == null) | .value],
        extra: [$fr[] | select($L[.key] == null) | .value
                | . + {decoy: ($D[key].case // null)}] } ]'

summary=()
# the generated units send whole journals, not extracts: the profile with
# SEQUENCE_GAP on (cn-default leaves it off, as the seed case is an extract)
cat >"$state/vouch.conf" <<CONF
policy_file = $VOUCH_SOURCE/deploy/policy/cn-default.json
sql_dir = $VOUCH_SOURCE/sql
policy_profile = cn-complete-journal
CONF
stack_up --workers 2

# run NAME FORMAT FIRST_ORG [generator options]
run() {
    local name=$1 format=$2 first=$3
    shift 3
    local dir=$state/$name
    "$gen" --quiet --policy "$policy" --out "$dir" --format "$format" --lines "$lines" --orgs 2 \
        --first-org "$first" --seed "$seed" --labels "$state/$name.labels" \
        --decoys "$state/$name.decoys" "$@" || fail "$name: vouch-gen failed"

    local files=("$dir"/*."$format") out
    if [[ " $* " == *" --split-months "* ]]; then
        # month by month, as a finance office sends them
        out=$(for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
            ctl ingest --wait --timeout 300 --format json "$dir"/*-"$m"."$format"
        done)
    else
        out=$(ctl ingest --wait --timeout 300 --format json "${files[@]}")
    fi
    local bad
    bad=$(echo "$out" | jq -r 'select(.status != "accepted") | "\(.file): \(.status) \(.error)"')
    [ -z "$bad" ] || fail "$name: not accepted: $bad"
    local nlines
    nlines=$(echo "$out" | jq -s 'map(.lines) | add')
    ok "$name: ${#files[@]} files, $nlines lines accepted"

    # the rules this build runs, as vouchctl check reports them
    local built
    built=$(ctl check --format json "${files[0]}" | jq -c '[.coverage[].rule]')
    local orgs
    orgs=$(jq -s -c 'map(.org) | unique' "$state/$name.labels")
    ctl flags --format json |
        jq -c --argjson orgs "$orgs" '[.[] | select(.org as $o | $orgs | index($o) != null)]' \
            >"$state/$name.flags"
    jq -n -L "$VOUCH_SOURCE/tests/integration" --argjson rules "$rules" --argjson built "$built" \
        --slurpfile labels "$state/$name.labels" --slurpfile decoys "$state/$name.decoys" \
        --slurpfile flagsf "$state/$name.flags" \
        "$compare_jq" >"$state/$name.result"

    echo
    echo "== $name: $(jq -s length "$state/$name.labels") findings planted, $(jq -s length "$state/$name.decoys") decoys, $(jq length "$state/$name.flags") flagged"
    printf '%-22s %5s %5s %5s %5s %8s %9s  %s\n' RULE PLANT TP FP FN RECALL PRECISION NOTE
    jq -r '.[] | [.rule, .labels, .tp, .fp, .fn, .built] | @tsv' "$state/$name.result" |
        while IFS=$'\t' read -r rule planted tp fp fn built; do
            local recall precision note=""
            recall=$(awk -v t="$tp" -v n="$planted" 'BEGIN { printf n ? "%.3f" : "-", n ? t / n : 0 }')
            precision=$(awk -v t="$tp" -v f="$fp" 'BEGIN { printf t + f ? "%.3f" : "-", t + f ? t / (t + f) : 0 }')
            [ "$built" = true ] || note="not in this build"
            printf '%-22s %5s %5s %5s %5s %8s %9s  %s\n' "$rule" "$planted" "$tp" "$fp" "$fn" \
                "$recall" "$precision" "$note"
        done
    # what was missed or flagged wrongly, for the rules this build runs
    jq -r '.[] | select(.built) | .rule as $r
        | (.missed[:12][] | "  missed  \($r) \(.org) \(.voucher_date) \(.voucher) line \(.line_no): \(.case)"),
          (.extra[:12][] | "  extra   \($r) \(.org) \(.voucher_date) \(.voucher) line \(.line_no): \(if .decoy then "decoy: " + .decoy else "not planted" end)")' \
        "$state/$name.result"
    local below
    below=$(jq -r '[.[] | select(.labels == 0 or .fp > 0 or .fn > 0)
        | .rule + (if .built then "" else " (not in this build)" end)] | join(", ")' \
        "$state/$name.result")
    if [ -n "$below" ]; then
        echo "FAIL: $name: below 1.0/1.0: $below" >&2
        summary+=("$name: $below")
    else
        ok "$name: every rule 1.0/1.0"
    fi
}

run csv csv 100
run jsonl jsonl 102
run monthly csv 104 --split-months

if [ -n "${VOUCH_RECALL_KEEP:-}" ]; then
    mkdir -p "$VOUCH_RECALL_KEEP"
    cp -r "$state"/csv* "$state"/jsonl* "$state"/monthly* "$VOUCH_RECALL_KEEP"/
fi
if [ ${#summary[@]} -gt 0 ]; then
    echo
    echo "Rules below recall and precision 1.0 (a rule \"not in this build\" is one this"
    echo "tree's vouch-worker does not run: vouchctl check lists the rules that run):"
    printf '  %s\n' "${summary[@]}"
    fail "recall or precision below 1.0"
fi
