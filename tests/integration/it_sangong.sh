#!/usr/bin/env bash
# vouchctl report sangong: 三公经费 as booked and as restated (RULES.md "三公
# totals"). The seed case: reception booked 35,425.00, restated 16,925.00 (the
# four venue rentals leave 30217). A 2021 ledger of the same unit
# (tests/fixtures/sangong/ledger-2021.csv) gives the change on the year
# before, and shows a vehicle cost booked elsewhere joining 30231, a payment
# booked in both books counted once, a budget-only line (a car bought as a
# fixed asset) counted, and red ink taken off.
. "$(dirname "$0")/lib.sh"
stack_up --workers 2
org=永州市人力资源和社会保障局
report() { ctl report sangong --org "$org" --format json "$@"; }
cat_of() { jq -r --arg c "$1" '.categories[] | select(.name == $c)'; }

ctl ingest --wait --format json "$fixtures/seed-case/ledger-2022.csv" >/dev/null
r=$(report --year 2022)
expect_eq "seed: reception booked" 35425.00 "$(echo "$r" | cat_of 公务接待费 | jq -r .booked)"
expect_eq "seed: reception restated" 16925.00 "$(echo "$r" | cat_of 公务接待费 | jq -r .restated)"
expect_eq "seed: as expected.json says" "$(jq -r '"\(.reception_30217_booked) \(.reception_30217_restated)"' "$fixtures/seed-case/expected.json")" \
    "$(echo "$r" | cat_of 公务接待费 | jq -r '"\(.booked) \(.restated)"')"
expect_eq "seed: reception moved out" 18500.00 "$(echo "$r" | cat_of 公务接待费 | jq -r .moved_out)"
expect_eq "seed: the four venue rentals moved, to no 三公 code" '["记-16/venue/null","记-17/venue/null","记-23/venue/null","记-51/venue/null"]' \
    "$(echo "$r" | jq -c '[.moves[] | "\(.voucher)/\(.family)/\(.to)"] | sort')"
expect_eq "seed: vehicle upkeep" "1400.00 1400.00" "$(echo "$r" | cat_of 公务用车运行维护费 | jq -r '"\(.booked) \(.restated)"')"
expect_eq "seed: categories from the policy" "因公出国（境）费 公务接待费 公务用车运行维护费 公务用车购置" "$(echo "$r" | jq -r '[.categories[].name] | join(" ")')"
expect_eq "seed: 公务用车购置 is two codes" "30913 31013" "$(echo "$r" | cat_of 公务用车购置 | jq -r '.codes | join(" ")')"
expect_eq "seed: no year before" null "$(echo "$r" | jq -c .previous_year)"
expect_eq "seed: total" "36825.00 18325.00" "$(echo "$r" | jq -r '"\(.total.booked) \(.total.restated)"')"
table=$(ctl report sangong --org "$org" --year 2022)
grep -q "公务接待费 .*30217 .*35,425.00 .*-18,500.00 .*16,925.00" <<<"$table" || fail "table: reception row"
grep -q "no ledger of 2021" <<<"$table" || fail "table: says the year before is not loaded"
ok "table"

ctl ingest --wait --format json "$fixtures/sangong/ledger-2021.csv" >/dev/null
p=$(report --year 2021)
expect_eq "2021: reception (a twin counted once, red ink off, a venue out)" "10800.00 2500.00 8300.00" \
    "$(echo "$p" | cat_of 公务接待费 | jq -r '"\(.booked) \(.moved_out) \(.restated)"')"
expect_eq "2021: fuel booked under 30299 joins 30231" "2600.00 1800.00 4400.00" \
    "$(echo "$p" | cat_of 公务用车运行维护费 | jq -r '"\(.booked) \(.moved_in) \(.restated)"')"
expect_eq "2021: the move names its finding's family and codes" "30299 30231 vehicle" \
    "$(echo "$p" | jq -r '.moves[] | select(.voucher == "记-3") | "\(.from) \(.to) \(.family)"')"
expect_eq "2021: a car bought (budget book only) counts" 180000.00 "$(echo "$p" | cat_of 公务用车购置 | jq -r .restated)"
expect_eq "2021: official travel abroad" 12000.00 "$(echo "$p" | cat_of 因公出国（境）费 | jq -r .booked)"

r=$(report --year 2022)
expect_eq "2022 on 2021: year before loaded" 2021 "$(echo "$r" | jq -r .previous_year)"
expect_eq "2022 on 2021: reception" "10800.00 8300.00 24625.00 8625.00 +103.9%" \
    "$(echo "$r" | cat_of 公务接待费 | jq -r '"\(.previous.booked) \(.previous.restated) \(.change.booked) \(.change.restated) \(.change.restated_pct)"')"
expect_eq "2022 on 2021: vehicle upkeep" "-3000.00" "$(echo "$r" | cat_of 公务用车运行维护费 | jq -r .change.restated)"
expect_eq "2022 on 2021: total" "-186375.00" "$(echo "$r" | jq -r .total.change.restated)"
ctl report sangong --org "$org" --year 2022 | grep -q "公务接待费 .*16,925.00 .*10,800.00 .*8,300.00 .*+8,625.00 .*+103.9%" ||
    fail "table: the change on the year before"
ok "table: the change on the year before"

# a finding the auditor dismissed moves nothing: the line stands as booked
id=$(echo "$r" | jq -r '.moves[] | select(.voucher == "记-23") | .finding_id')
sql "UPDATE findings SET status = 'dismissed' WHERE finding_id = $id" >/dev/null
expect_eq "a dismissed finding restates nothing" 20925.00 "$(report --year 2022 | cat_of 公务接待费 | jq -r .restated)"
sql "UPDATE findings SET status = 'confirmed' WHERE finding_id = $id" >/dev/null
expect_eq "a confirmed one does" 16925.00 "$(report --year 2022 | cat_of 公务接待费 | jq -r .restated)"

set +e
ctl report sangong --org 某某单位 --year 2022 >/dev/null 2>&1; rc1=$?
ctl report sangong --org "$org" --year 2019 >/dev/null 2>"$state/err"; rc2=$?
ctl report sangong --org "$org" >/dev/null 2>&1; rc3=$?
ctl report lavish --org "$org" --year 2022 >/dev/null 2>&1; rc4=$?
set -e
expect_eq "an unknown unit exits 1" 1 $rc1
expect_eq "a year not loaded exits 1" 1 $rc2
grep -q "no ledger of" "$state/err" || fail "says no ledger of that year"
expect_eq "no --year exits 2" 2 $rc3
expect_eq "an unknown report exits 2" 2 $rc4
"$VOUCH_SOURCE/deploy/stack.sh" down "$state" >/dev/null
set +e
ctl report sangong --org "$org" --year 2022 >/dev/null 2>&1; rc=$?
set -e
expect_eq "database down exits 3" 3 $rc
