#!/usr/bin/env bash
# flags for export: --sort (lists, pages, sums), suppressed and superseded
# findings left out by default and counted under the table, and the .xlsx
# workbook read back as a spreadsheet program reads it (openpyxl), checked
# against flags' JSON.
. "$(dirname "$0")/lib.sh"
stack_up --workers 1
ctl ingest --wait "$fixtures/seed-case/ledger-2022.csv" >/dev/null
# Debian's python3, which python3-openpyxl is for (another may come first in PATH)
py=/usr/bin/python3
read_xlsx() { "$py" "$VOUCH_SOURCE/tests/integration/read_xlsx.py" "$1"; }
rc_of() { # exit status of vouchctl flags ARGS..., its stderr in $state/err
    local rc=0
    ctl flags "$@" >/dev/null 2>"$state/err" || rc=$?
    echo $rc
}
ctl flags --format json >"$state/all.json"
n=$(jq length "$state/all.json")
[ "$n" -ge 20 ] || fail "the seed case lists its findings: $n"

# --sort
ctl flags --sort -amount --format json >"$state/s.json"
jq -e '[.[].amount | tonumber] | . == (sort | reverse)' "$state/s.json" >/dev/null ||
    fail "--sort -amount: $(jq -c '[.[].amount]' "$state/s.json")"
expect_eq "--sort lists the same findings" "$(jq -c '[.[].finding_id] | sort' "$state/all.json")" \
    "$(jq -c '[.[].finding_id] | sort' "$state/s.json")"
ok "--sort -amount: amounts never increase"
ctl flags --sort -amount,date --format json |
    jq -e '[.[] | [-(.amount | tonumber), .voucher_date]] | . == sort' >/dev/null ||
    fail "--sort -amount,date: equal amounts not in date order"
ok "--sort -amount,date: equal amounts by date"
sev=$(ctl flags --sort severity --format json | jq -c '[.[].severity]')
jq -e 'map({"high": 0, "medium": 1, "low": 2}[.]) | . == sort' <<<"$sev" >/dev/null || fail "--sort severity: $sev"
expect_eq "--sort severity: high, then medium, then low" "high medium low" "$(jq -r 'unique_by({"high": 0, "medium": 1, "low": 2}[.]) | join(" ")' <<<"$sev")"
expect_eq "--sort -severity: low first" low "$(ctl flags --sort -severity --format json | jq -r '.[0].severity')"
for bad in colour amount,amount "" "amount;DROP TABLE findings" "-" "date,"; do
    expect_eq "--sort \"$bad\" is wrong usage" 2 "$(rc_of --sort "$bad")"
done
expect_eq "--group-by rule --sort date is wrong usage" 2 "$(rc_of --group-by rule --sort date)"

# pages of a sorted list: disjoint, together the whole list, in its order
whole=$(jq -r '.[].finding_id' "$state/s.json" | xargs)
pages=""
for offset in $(seq 0 4 $((n + 3))); do
    pages="$pages $(ctl flags --sort -amount --limit 4 --offset "$offset" --format json | jq -r '.[].finding_id' | xargs)"
done
pages=$(echo $pages)
expect_eq "--sort -amount in pages of 4 is the whole list, once" "$whole" "$pages"
expect_eq "no finding twice across pages" "$n" "$(tr ' ' '\n' <<<"$pages" | sort -u | wc -l)"

# --group-by with --sort: the sums of the list's JSON, in the order asked
fen_sums() { jq -c 'group_by(.rule) | map({rule: .[0].rule, findings: length, fen: (map(.amount | tonumber * 100 | round) | add)})'; }
grouped() { jq -c 'map({rule, findings, fen: (.amount | tonumber * 100 | round)})'; }
g=$(ctl flags --group-by rule --sort -amount --format json | grouped)
expect_eq "--group-by rule: counts and sums are the list's" "$(fen_sums <"$state/all.json")" "$(jq -c 'sort_by(.rule)' <<<"$g")"
jq -e '[.[].fen] | . == (sort | reverse)' <<<"$g" >/dev/null || fail "--group-by rule --sort -amount: $g"
ok "--group-by rule --sort -amount: largest sum first"
ctl flags --group-by rule --sort -findings --format json | jq -e '[.[].findings] | . == (sort | reverse)' >/dev/null ||
    fail "--group-by rule --sort -findings"
ok "--group-by rule --sort -findings: most findings first"
ctl flags --group-by rule --format json | jq -e '[.[].rule] | . == sort' >/dev/null || fail "--group-by rule: by rule"
ok "--group-by rule: by key unless sorted"
ctl flags --group-by rule --sort -amount | sed -n 3p | grep -q "^PROCUREMENT_BYPASS " ||
    fail "--group-by table: $(ctl flags --group-by rule --sort -amount)"
ok "--group-by table sorted too"

# suppressed and superseded: left out unless asked for, counted under the table
ctl flags | tail -n 1 | grep -q "not shown" && fail "footer speaks of findings left out when none were"
ok "nothing left out, nothing said"
sup=$(jq -r '.[] | select(.voucher == "记-23" and .rule == "MISCLASS_EXPENSE") | .finding_id' "$state/all.json")
old=$(jq -r '.[] | select(.voucher == "记-5" and .rule == "PAYEE_MISMATCH") | .finding_id' "$state/all.json")
sql "UPDATE findings SET status = 'suppressed' WHERE finding_id = $sup" >/dev/null
ctl flags --format json >"$state/cur.json"
expect_eq "a suppressed finding is not listed" "$((n - 1)) 0" \
    "$(jq -r "length, ([.[] | select(.finding_id == $sup)] | length)" "$state/cur.json" | xargs)"
footer=$(ctl flags | tail -n 1)
[[ "$footer" == "$((n - 1)) findings on "*" yuan on those lines (1 suppressed not shown: --status suppressed, or --all)" ]] ||
    fail "footer: $footer"
ok "the footer counts the suppressed finding and says how to see it"
expect_eq "--status suppressed lists it" "$sup" "$(ctl flags --status suppressed --format json | jq -r '.[].finding_id')"
expect_eq "--all lists it" "$n 1" "$(ctl flags --all --format json | jq -r "length, ([.[] | select(.finding_id == $sup)] | length)" | xargs)"
ctl flags --all | tail -n 1 | grep -q "not shown" && fail "--all: footer speaks of findings left out"
sql "UPDATE findings SET status = 'superseded' WHERE finding_id = $old" >/dev/null
footer=$(ctl flags | tail -n 1)
[[ "$footer" == "$((n - 2)) findings on "*" (1 suppressed, 1 superseded not shown: --status suppressed|superseded, or --all)" ]] ||
    fail "footer: $footer"
ok "the footer counts each status left out"
expect_eq "--group-by sums leave them out" "$((n - 2))" "$(ctl flags --group-by rule --format json | jq '[.[].findings] | add')"
expect_eq "--group-by --all sums all" "$n" "$(ctl flags --group-by rule --all --format json | jq '[.[].findings] | add')"
ctl flags --group-by org | tail -n 1 | grep -qF "(1 suppressed, 1 superseded not shown: --status suppressed|superseded, or --all)" ||
    fail "--group-by table: $(ctl flags --group-by org)"
ok "--group-by's table says what it left out"
expect_eq "CSV leaves them out" "$((n - 2 + 1))" "$(ctl flags --format csv | wc -l)"
ctl flags --format json >"$state/cur.json"
m=$(jq length "$state/cur.json")

# the workbook, read back; one finding assigned, so the assignee column has a name
some=$(jq -r '.[0].finding_id' "$state/cur.json")
ctl assign "$some" --to 张审计 >/dev/null
ctl flags --format json >"$state/cur.json"
ctl flags --format xlsx -o "$state/f.xlsx" --sheet-per-rule >"$state/out" || fail "flags --format xlsx failed"
expect_eq "xlsx prints nothing" "" "$(cat "$state/out")"
read_xlsx "$state/f.xlsx" >"$state/f.json" || fail "openpyxl cannot read the workbook"
expect_eq "sheets: findings, then one a rule" "$(jq -c '["findings"] + ([.[].rule] | unique)' "$state/cur.json")" \
    "$(jq -c '[.[].name]' "$state/f.json")"
expect_eq "every sheet's header row is frozen" A2 "$(jq -r '[.[].freeze_panes] | unique | join(",")' "$state/f.json")"
expect_eq "autofilter over the findings" "A1:O$((m + 1))" "$(jq -r '.[0].auto_filter' "$state/f.json")"
expect_eq "a row a finding (and the header)" "$((m + 1))" "$(jq '.[0].rows | length' "$state/f.json")"
expect_eq "headers in Chinese and English" "编号 finding_id|日期 voucher_date|金额(元) amount" \
    "$(jq -r '.[0].rows[0] | [.[0], .[3], .[8]] | join("|")' "$state/f.json")"
# each data row as an object keyed by the English half of its header
objects() { jq -c ".[$1] | .rows[0] as \$h | [.rows[1:][] | [\$h, .] | transpose | map({key: (.[0] | split(\" \") | last), value: (.[1] // \"\")}) | from_entries]" "$state/f.json"; }
want=$(jq -c 'map({finding_id, ledger_id, org, voucher_date: (.voucher_date + "T00:00:00"), voucher, line_no, rule,
                   severity, amount: (.amount | tonumber), summary, message, status, assignee: (.assignee // ""),
                   payee, econ_code})' "$state/cur.json")
expect_eq "each finding's cells are its JSON's, in its order" "$want" "$(objects 0)"
expect_eq "the assignee is there" 张审计 "$(objects 0 | jq -r ".[] | select(.finding_id == $some) | .assignee")"
col_types() { jq -r ".[0].types[1:] | map(.[$1]) | unique | join(\",\")" "$state/f.json"; }
col_formats() { jq -r ".[0].formats[1:] | map(.[$1]) | unique | join(\",\")" "$state/f.json"; }
expect_eq "ids are numbers" int "$(col_types 0)"
expect_eq "line numbers are numbers" int "$(col_types 5)"
expect_eq "dates are dates" datetime "$(col_types 3)"
expect_eq "dates shown yyyy-mm-dd" yyyy-mm-dd "$(col_formats 3)"
[[ "$(col_types 8)" =~ ^(float|int)(,float|,int)?$ ]] || fail "amounts are numbers: $(col_types 8)"
ok "amounts are numbers"
expect_eq "amounts shown #,##0.00" "#,##0.00" "$(col_formats 8)"
for i in $(seq 1 $(($(jq length "$state/f.json") - 1))); do
    rule=$(jq -r ".[$i].name" "$state/f.json")
    expect_eq "sheet $rule holds exactly that rule's findings" \
        "$(jq -c "[.[] | select(.rule == \"$rule\")] | map({finding_id, amount: (.amount | tonumber)})" "$state/cur.json")" \
        "$(objects "$i" | jq -c 'map({finding_id, amount})')"
done
expect_eq "per-rule sheets: amounts shown #,##0.00" "#,##0.00" "$(jq -r '[.[1:][] | .formats[1:][] | .[8]] | unique | join(",")' "$state/f.json")"
ctl flags --format xlsx -o "$state/all.xlsx" --all
expect_eq "--all: the suppressed and superseded too" "$((n + 1))" "$(read_xlsx "$state/all.xlsx" | jq '.[0].rows | length')"
ctl flags --format xlsx -o "$state/sorted.xlsx" --sort -amount
expect_eq "--sort applies to the workbook" "$(ctl flags --sort -amount --format json | jq -c '[.[].finding_id]')" \
    "$(read_xlsx "$state/sorted.xlsx" | jq -c '[.[0].rows[1:][] | .[0]]')"

# --group-by as a workbook: the sums, as numbers
ctl flags --group-by rule --sort -amount --format xlsx -o "$state/g.xlsx"
read_xlsx "$state/g.xlsx" >"$state/g.json" || fail "openpyxl cannot read the --group-by workbook"
expect_eq "--group-by workbook: one sheet of sums" '["by rule"]' "$(jq -c '[.[].name]' "$state/g.json")"
expect_eq "--group-by workbook: the JSON's sums in its order" \
    "$(ctl flags --group-by rule --sort -amount --format json | jq -c 'map([.rule, .findings, (.amount | tonumber)])')" \
    "$(jq -c '.[0].rows[1:]' "$state/g.json")"
expect_eq "--group-by workbook: frozen header" A2 "$(jq -r '.[0].freeze_panes' "$state/g.json")"

# refusals
expect_eq "xlsx without -o is wrong usage" 2 "$(rc_of --format xlsx)"
grep -q "give -o FILE.xlsx" "$state/err" || fail "xlsx without -o: $(cat "$state/err")"
expect_eq "xlsx to standard output (-o -) is wrong usage" 2 "$(rc_of --format xlsx -o -)"
expect_eq "--sheet-per-rule without xlsx is wrong usage" 2 "$(rc_of --sheet-per-rule)"
expect_eq "a workbook that cannot be written: exit 1" 1 "$(rc_of --format xlsx -o "$state/no/such/dir/f.xlsx")"
grep -qF "cannot write $state/no/such/dir/f.xlsx" "$state/err" || fail "the error names the file: $(cat "$state/err")"
ok "the error names the file"
