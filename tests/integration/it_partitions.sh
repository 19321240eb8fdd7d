#!/usr/bin/env bash
# lines and findings partitioned by fiscal year and period (017): a database
# made before 017, with a unit's findings reviewed, is migrated at vouchd's
# next start and answers as it did, its finding ids and reviews kept; a
# ledger of a new year gets partitions of its own, a second year in the same
# file goes to the default partition and is read as any other; partitions
# are reached through their parent only, under its row-level security.
. "$(dirname "$0")/lib.sh"

# the migrations before 017, as a database of the previous release has them
mkdir "$state/sql-016"
for f in "$VOUCH_SOURCE"/sql/*.sql; do
    n=$(basename "$f")
    [[ $n < 017 ]] && cp "$f" "$state/sql-016/"
done
[ -f "$state/sql-016/016_cross_speed.sql" ] && [ ! -e "$state/sql-016/017_partitions.sql" ] ||
    fail "the migrations up to 016 copied"
echo "sql_dir = $state/sql-016" >"$state/vouch.conf"
stack_up --workers 1 >/dev/null
expect_eq "before 017, lines is a plain table" r "$(sql "SELECT relkind FROM pg_class WHERE relname = 'lines'")"
# this vouchd makes a year's partitions before storing; the release before
# 017 did not: a no-op stands in for it until 017 makes the real one
sql "CREATE FUNCTION vouch_partition_year(y int) RETURNS boolean LANGUAGE sql RETURN true" >/dev/null

out=$(ctl ingest --wait --format json "$fixtures/seed-case/ledger-2022.csv")
expect_eq "the seed case stored" accepted "$(echo "$out" | jq -r .status)"
first=$(sql "SELECT min(finding_id) FROM findings")
ctl user add "$(sql "SELECT session_user")" --person 审计甲 >/dev/null
ctl review "$first" --confirm --note "看过凭证" >/dev/null
flags_before=$(ctl flags --all --format json | jq -S .)
show_before=$(ctl show "$first" --format json | jq -S .)
counts_before=$(sql "SELECT (SELECT count(*) FROM lines) || ' ' || (SELECT count(*) FROM findings)")
max_id=$(sql "SELECT max(finding_id) FROM findings")
[ "$(echo "$flags_before" | jq length)" -gt 0 ] || fail "the seed case has findings"

# the release with 017: vouchd migrates at start
sql "DROP FUNCTION vouch_partition_year(int)" >/dev/null
"$VOUCH_SOURCE/deploy/stack.sh" down "$state" >/dev/null
: >"$state/vouch.conf"
stack_up --workers 1 >/dev/null
grep -q "017_partitions" "$state/log/vouchd.log" || fail "vouchd logged migration 017"
expect_eq "lines is partitioned" p "$(sql "SELECT relkind FROM pg_class WHERE relname = 'lines'")"
expect_eq "findings is partitioned" p "$(sql "SELECT relkind FROM pg_class WHERE relname = 'findings'")"
expect_eq "both by fiscal year and period" "RANGE (fiscal_year, period) RANGE (fiscal_year, period)" \
    "$(sql "SELECT pg_get_partkeydef('lines'::regclass) || ' ' || pg_get_partkeydef('findings'::regclass)")"
expect_eq "2022's lines in their own partition" \
    "$(echo "$counts_before" | cut -d' ' -f1)" "$(sql "SELECT count(*) FROM lines_y2022")"
expect_eq "every line and finding moved" "$counts_before" \
    "$(sql "SELECT (SELECT count(*) FROM lines) || ' ' || (SELECT count(*) FROM findings)")"
expect_eq "the old tables are gone" "" "$(sql "SELECT relname FROM pg_class WHERE relname LIKE '%\_old'")"
expect_eq "flags answer as before" "$flags_before" "$(ctl flags --all --format json | jq -S .)"
expect_eq "a finding's review history kept" "$show_before" "$(ctl show "$first" --format json | jq -S .)"

# a new year: its partitions made before its ledger is stored; ids go on
gen=$state/gen
"$VOUCH_BIN/vouch-gen" --quiet --out "$gen" --lines 3000 --orgs 1 --first-org 7 --seed 7 --year 2023
out=$(ctl ingest --wait --format json "$gen/org007-2023.csv")
expect_eq "a ledger of 2023 stored" accepted "$(echo "$out" | jq -r .status)"
expect_eq "2023's partitions made" "findings_y2023 lines_y2023" \
    "$(sql "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname LIKE '%y2023'")"
expect_eq "2023's lines there, none in the default" "$(echo "$out" | jq -r .lines) 0" \
    "$(sql "SELECT (SELECT count(*) FROM lines_y2023) || ' ' || (SELECT count(*) FROM lines_default)")"
[ "$(sql "SELECT min(finding_id) FROM findings WHERE fiscal_year = 2023")" -gt "$max_id" ] ||
    fail "new findings' ids go on after the old ones"
ok "new findings' ids go on after the old ones"

# a file of two years: the second year's lines go to the default partition
# as they are copied, and to 2024's own partitions once the ledger is stored
two=$state/two-years.csv
{
    cat "$fixtures/seed-case/ledger-2022.csv"
    tail -n +2 "$fixtures/seed-case/ledger-2022.csv" | sed 's/2022-/2024-/g'
} | sed 's/永州市/衡阳市/' >"$two"
out=$(ctl ingest --wait --format json "$two")
expect_eq "a file of two years stored" accepted "$(echo "$out" | jq -r .status)"
id=$(echo "$out" | jq -r .ledger_id)
n2024=$(sql "SELECT count(*) FROM lines WHERE ledger_id = $id AND fiscal_year = 2024")
[ "$n2024" -gt 0 ] || fail "the file's second year (2024) was read as such"
expect_eq "its 2024 lines moved to 2024's partition, the default empty" "$n2024 0" \
    "$(sql "SELECT (SELECT count(*) FROM lines_y2024) || ' ' || (SELECT count(*) FROM lines_default)")"
expect_eq "its 2022 lines with 2022's" "$(sql "SELECT count(*) FROM lines WHERE ledger_id = $id AND fiscal_year = 2022")" \
    "$(sql "SELECT count(*) FROM lines_y2022 WHERE ledger_id = $id")"
f2024=$(sql "SELECT count(*) FROM findings WHERE ledger_id = $id AND fiscal_year = 2024")
[ "$f2024" -gt 0 ] || fail "the 2024 lines were judged"
expect_eq "the 2024 lines were judged, their findings in 2024's partition" "$f2024 0" \
    "$(sql "SELECT (SELECT count(*) FROM findings_y2024) || ' ' || (SELECT count(*) FROM findings_default)")"
expect_eq "both years' vouchers judged alike" \
    "$(sql "SELECT count(*) FROM findings WHERE ledger_id = $id AND fiscal_year = 2022")" "$f2024"
expect_eq "a year made once" f "$(sql "SELECT vouch_partition_year(2024)")"

# partitions through their parent only
ctl user add aud_yz --org "$(sql "SELECT name FROM orgs ORDER BY org_id LIMIT 1")" --person 审计 >/dev/null
for t in lines_y2022 findings_y2022 lines_default findings_default; do
    if SQL_USER=aud_yz sql "SELECT count(*) FROM $t" >/dev/null 2>&1; then
        fail "an auditor read partition $t by name"
    fi
done
ok "no role reads a partition by name"
expect_eq "through the parent, one unit's lines only" "$(sql "SELECT count(*) FROM lines WHERE org_id = (SELECT min(org_id) FROM orgs)")" \
    "$(SQL_USER=aud_yz sql "SELECT count(*) FROM lines")"
expect_eq "and its findings only" "$(sql "SELECT count(*) FROM findings WHERE org_id = (SELECT min(org_id) FROM orgs)")" \
    "$(SQL_USER=aud_yz sql "SELECT count(*) FROM findings")"

# flags by the books' year and period, as they are stored apart
for y in 2022 2023 2024; do
    expect_eq "flags --year $y" "$(sql "SELECT count(*) FROM findings WHERE fiscal_year = $y")" \
        "$(ctl flags --year "$y" --all --format json | jq length)"
done
p=$(sql "SELECT period FROM findings WHERE fiscal_year = 2022 GROUP BY period ORDER BY count(*) DESC, period LIMIT 1")
expect_eq "flags --period 2022-$(printf %02d "$p")" \
    "$(sql "SELECT count(*) FROM findings WHERE fiscal_year = 2022 AND period = $p")" \
    "$(ctl flags --period "2022-$(printf %02d "$p")" --all --format json | jq length)"
expect_eq "an adjustment period with nothing in it" 0 "$(ctl flags --period 2022-14 --format json | jq length)"
if ctl flags --period 2022-17 >/dev/null 2>&1; then fail "--period 2022-17 accepted"; fi
ok "--period 2022-17 refused"
