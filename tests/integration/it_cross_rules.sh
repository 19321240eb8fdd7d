#!/usr/bin/env bash
# The rules that look across vouchers and ledgers, end to end: a split
# purchase that straddles two monthly files is found on both files' lines once
# the second arrives (in either order), duplicates by invoice and by payee,
# amount and summary, vouchers unbalanced in either book, voucher numbers
# missing across ledgers, a preparer who reviewed their own voucher; and
# beside each, the decoy that must not fire. Re-sending a file adds nothing;
# the seed case gains no false finding; a ledger the rules could not run over
# is taken up again. SEQUENCE_GAP is off in cn-default (an extract has gaps by
# construction): this test turns it on.
. "$(dirname "$0")/lib.sh"
policy=$state/policy.json
jq '.profiles["cn-default"].rules.SEQUENCE_GAP.enabled = true' \
    "$VOUCH_SOURCE/deploy/policy/cn-default.json" >"$policy"
cat >"$state/vouch.conf" <<CONF
policy_file = $policy
sql_dir = $VOUCH_SOURCE/sql
CONF
stack_up --workers 2
cross=$fixtures/cross
jan=$cross/cross-2022-01.csv
feb=$cross/cross-2022-02.csv
late=$cross/cross-2022-01-late.csv
rules="'SPLIT_PURCHASE','DUPLICATE_PAYMENT','UNBALANCED_VOUCHER','SEQUENCE_GAP','PREPARER_IS_REVIEWER'"

# ORG: the findings of the org as "ledger-file period voucher line rule", sorted
found() {
    sql "SELECT string_agg(x, ' ' ORDER BY x) FROM (
           SELECT regexp_replace(g.file_name, '^.*/|\.csv$', '', 'g') || ':' || l.period || ':'
                  || vouch_voucher_label(l.voucher_word, l.voucher_no) || ':' || l.line_no || ':'
                  || f.rule AS x
           FROM findings f JOIN lines l USING (ledger_id, seq)
           JOIN ledgers g ON g.ledger_id = f.ledger_id JOIN orgs o ON o.org_id = f.org_id
           WHERE o.name = '$1' ${2:+AND f.rule = '$2'}) t"
}
ingest() { ctl ingest --wait --format json "$@"; }

# ---- January alone: its own vouchers' findings; no split yet (75,000.00 of
# a 100,000.00 floor: the budget twin of 记-2 and the red ink of 记-3 do not count)
out=$(ingest "$jan")
expect_eq "January stored" accepted "$(echo "$out" | jq -r .status)"
jan_id=$(echo "$out" | jq .ledger_id)
expect_eq "January: its findings" \
    "cross-2022-01:1:记-1:1:PREPARER_IS_REVIEWER cross-2022-01:1:记-6:1:UNBALANCED_VOUCHER cross-2022-01:1:记-8:1:SEQUENCE_GAP" \
    "$(found 测试交叉局)"
expect_eq "--wait counts them" 3 "$(echo "$out" | jq .findings)"

# ---- February: the split straddles both files; --wait returns with the
# findings on January's lines already stored
out=$(ingest "$feb")
feb_id=$(echo "$out" | jq .ledger_id)
expect_eq "SPLIT_PURCHASE on both files' lines" \
    "cross-2022-01:1:记-1:1:SPLIT_PURCHASE cross-2022-01:1:记-2:1:SPLIT_PURCHASE cross-2022-02:2:记-1:1:SPLIT_PURCHASE" \
    "$(found 测试交叉局 SPLIT_PURCHASE)"
# not 记-2 (02-27: 85,000.00 within 30 days, the e-mall 记-3 not counted), not
# 新华印务 (31 days apart; the others with a channel or a contract)
expect_eq "DUPLICATE_PAYMENT: the later of each pair" \
    "cross-2022-02:2:记-10:1:DUPLICATE_PAYMENT cross-2022-02:2:记-7:1:DUPLICATE_PAYMENT" \
    "$(found 测试交叉局 DUPLICATE_PAYMENT)"
expect_eq "UNBALANCED_VOUCHER: either book on its own" \
    "cross-2022-01:1:记-6:1:UNBALANCED_VOUCHER cross-2022-02:2:记-14:1:UNBALANCED_VOUCHER cross-2022-02:2:记-15:1:UNBALANCED_VOUCHER" \
    "$(found 测试交叉局 UNBALANCED_VOUCHER)"
expect_eq "SEQUENCE_GAP: 记-7 of January, 现付-1 of February; 记 and 银付 of February complete" \
    "cross-2022-01:1:记-8:1:SEQUENCE_GAP cross-2022-02:2:现付-2:1:SEQUENCE_GAP" \
    "$(found 测试交叉局 SEQUENCE_GAP)"
expect_eq "PREPARER_IS_REVIEWER: 张会计 and 张　会计 are one; blank never matches" \
    "cross-2022-01:1:记-1:1:PREPARER_IS_REVIEWER" "$(found 测试交叉局 PREPARER_IS_REVIEWER)"
expect_eq "nothing else" 0 "$(sql "SELECT count(*) FROM findings WHERE rule NOT IN ($rules)")"
# stored as read: NFKC makes the ideographic space a space
expect_eq "preparer and reviewer stored" "张会计|张 会计" \
    "$(sql "SELECT preparer || '|' || reviewer FROM lines WHERE ledger_id = $jan_id AND seq = 1")"

# what an auditor reads
f=$(ctl flags --format json --rule SPLIT_PURCHASE | jq -c 'map(select(.ledger_id == '"$feb_id"'))[0]')
expect_eq "split: severity, rule version, profile" "high 1 cn-default" "$(echo "$f" | jq -r '"\(.severity) \(.rule_version) \(.profile)"')"
expect_eq "split: policy version" "$(ctl status --format json | jq -r .policy_version)" "$(echo "$f" | jq -r .policy_version)"
expect_eq "split: amount" 30000.00 "$(echo "$f" | jq -r .amount)"
expect_eq "split: evidence lines" '[["记-1","2022-01-20","40000.00"],["记-2","2022-01-28","35000.00"],["记-1","2022-02-10","30000.00"]]' \
    "$(echo "$f" | jq -c '[.evidence.lines[] | [.voucher, .date, .amount]]')"
expect_eq "split: evidence sum" "105000.00 100000.00 30" "$(echo "$f" | jq -r '.evidence | "\(.total) \(.threshold) \(.window_days)"')"
echo "$f" | jq -r .message | grep -qF "向永州市顺达办公家具有限公司支付3笔采购款合计105,000.00元" || fail "split: message"
echo "$f" | jq -r .message_en | grep -qF "3 purchases from 永州市顺达办公家具有限公司" || fail "split: message_en"
ok "split: messages in both languages"
d=$(ctl flags --format json --rule DUPLICATE_PAYMENT)
expect_eq "duplicate by invoice names the first payment" '["invoice","44001234","记-4","2022-01-15"]' \
    "$(echo "$d" | jq -c '.[] | select(.voucher == "记-7") | [.evidence.basis, .evidence.invoice_no, .evidence.earlier[0].voucher, .evidence.earlier[0].date]')"
echo "$d" | jq -r '.[] | select(.voucher == "记-10") | .message' | grep -qF "5天后再次支付" || fail "duplicate by summary: message"
ok "duplicate by summary: message"
u=$(ctl flags --format json --rule UNBALANCED_VOUCHER | jq -c '.[] | select(.voucher == "记-15")')
expect_eq "unbalanced per book: amount apart, both books" '["1600.00",["financial","budget"],"800.00","0.00"]' \
    "$(echo "$u" | jq -c '[.amount, .evidence.unbalanced, .evidence.books.financial.debit, .evidence.books.financial.credit]')"
g=$(ctl flags --format json --rule SEQUENCE_GAP | jq -c '.[] | select(.voucher == "记-8")')
expect_eq "gap: the missing numbers" '[["记-7"],"记-6",1]' "$(echo "$g" | jq -c '[.evidence.missing, .evidence.previous, .evidence.count]')"
expect_eq "gap: low" low "$(echo "$g" | jq -r .severity)"

# show and flags list them like any finding
ctl show --ledger "$feb_id" --period 2022-02 --voucher 记-15 | grep -qF "UNBALANCED_VOUCHER" || fail "show --voucher lists the finding"
ctl show --ledger "$jan_id" --period 2022-01 --voucher 记-1 | grep -qF "prepared by 张会计, reviewed by 张 会计" || fail "show: preparer and reviewer"
expect_eq "group by rule" 5 "$(ctl flags --org 测试交叉局 --group-by rule --format json | jq length)"
ok "show and flags"

# ---- a later January file: 记-10 follows a gap only the two files together
# show; its copy of 记-8 (a re-export) neither doubles 新华印务's sum nor
# stands as a voucher of its own
before=$(found 测试交叉局)
out=$(ingest "$late")
expect_eq "late file: SEQUENCE_GAP across ledgers" "cross-2022-01-late:1:记-10:1:SEQUENCE_GAP" \
    "$(found 测试交叉局 | tr ' ' '\n' | grep late || true)"
expect_eq "and nothing else new" "$before" "$(found 测试交叉局 | tr ' ' '\n' | grep -v late | paste -sd ' ')"

# ---- the same bytes again: nothing new
n=$(sql "SELECT count(*) FROM findings")
for f in "$jan" "$feb" "$late"; do
    expect_eq "re-ingest $(basename "$f")" duplicate "$(ingest "$f" | jq -r .status)"
done
expect_eq "re-ingest adds no finding" "$n" "$(sql "SELECT count(*) FROM findings")"

# ---- the other order: February first, then January, in another unit
sed 's/^测试交叉局,/测试交叉乙局,/' "$feb" >"$state/cross-2022-02.csv"
sed 's/^测试交叉局,/测试交叉乙局,/' "$jan" >"$state/cross-2022-01.csv"
ingest "$state/cross-2022-02.csv" >/dev/null
expect_eq "February alone: no split" "" "$(found 测试交叉乙局 SPLIT_PURCHASE)"
ingest "$state/cross-2022-01.csv" >/dev/null
expect_eq "then January: the same split" \
    "cross-2022-01:1:记-1:1:SPLIT_PURCHASE cross-2022-01:1:记-2:1:SPLIT_PURCHASE cross-2022-02:2:记-1:1:SPLIT_PURCHASE" \
    "$(found 测试交叉乙局 SPLIT_PURCHASE)"
expect_eq "and the same duplicates, the later line flagged" \
    "cross-2022-02:2:记-10:1:DUPLICATE_PAYMENT cross-2022-02:2:记-7:1:DUPLICATE_PAYMENT" \
    "$(found 测试交叉乙局 DUPLICATE_PAYMENT)"

# ---- a ledger the cross rules have not run over (analysed before they
# existed, or they failed; its voucher rules not run as it was stored either)
# is taken up again
all=$(found 测试交叉乙局)
sql "DELETE FROM findings f USING orgs o WHERE o.org_id = f.org_id AND o.name = '测试交叉乙局' AND f.rule IN ($rules);
     UPDATE ledgers g SET cross_checked_at = NULL, voucher_rules_at = NULL FROM orgs o WHERE o.org_id = g.org_id AND o.name = '测试交叉乙局'" >/dev/null
for _ in $(seq 1 50); do
    [ "$(sql "SELECT count(*) FROM ledgers WHERE cross_checked_at IS NULL")" = 0 ] && break
    sleep 0.2
done
expect_eq "taken up again: the same findings" "$all" "$(found 测试交叉乙局)"

# ---- rules that fail never cost a file or a batch: the file is stored, its
# analysis completes, the failure is in status; vouchd takes the ledger up
# again (at once after a restart)
sql "ALTER FUNCTION vouch_xr_voucher_rules(bigint, jsonb) RENAME TO vouch_xr_voucher_rules_off;
     ALTER FUNCTION vouch_xr_voucher_rules(bigint, jsonb, int[]) RENAME TO vouch_xr_voucher_rules_off;
     ALTER FUNCTION vouch_xr_split_purchase(bigint, jsonb) RENAME TO vouch_xr_split_purchase_off" >/dev/null
sed 's/^测试交叉局,/测试交叉丁局,/' "$jan" >"$state/d-2022-01.csv"
out=$(ingest "$state/d-2022-01.csv")
expect_eq "rules failing: the file is stored all the same" accepted "$(echo "$out" | jq -r .status)"
d_id=$(echo "$out" | jq .ledger_id)
expect_eq "and analysed" 1 "$(sql "SELECT count(*) FROM ledgers WHERE ledger_id = $d_id AND analysed_at IS NOT NULL AND cross_checked_at IS NULL")"
errors=$(ctl status --format json | jq -r '.last_errors[]')
grep -qF "ledger $d_id: the voucher rules did not run as it was stored" <<<"$errors" || fail "status: voucher rules"
grep -qF "ledger $d_id: cross-voucher rules failed, will try again" <<<"$errors" || fail "status: cross rules"
ok "status says which rules failed on which ledger"
sql "ALTER FUNCTION vouch_xr_voucher_rules_off(bigint, jsonb) RENAME TO vouch_xr_voucher_rules;
     ALTER FUNCTION vouch_xr_voucher_rules_off(bigint, jsonb, int[]) RENAME TO vouch_xr_voucher_rules;
     ALTER FUNCTION vouch_xr_split_purchase_off(bigint, jsonb) RENAME TO vouch_xr_split_purchase" >/dev/null
pid=$(cat "$state/run/vouchd.pid")
kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
stack_up >/dev/null
for _ in $(seq 1 50); do
    [ "$(sql "SELECT count(*) FROM ledgers WHERE cross_checked_at IS NULL")" = 0 ] && break
    sleep 0.2
done
expect_eq "after a restart: the ledger's findings" \
    "d-2022-01:1:记-1:1:PREPARER_IS_REVIEWER d-2022-01:1:记-6:1:UNBALANCED_VOUCHER d-2022-01:1:记-8:1:SEQUENCE_GAP" \
    "$(found 测试交叉丁局)"

# ---- JSON Lines carry the reviewer too
printf '%s\n' '{"org":"测试交叉丙局","voucher_date":"2022-03-01","voucher_no":"记-1","lines":[{"summary":"办公费","account_code":"5001","econ_code":"30201","debit":"100.00","payee":"某文具店","preparer":"赵会计","reviewer":"赵会计"},{"account_code":"1011","credit":"100.00","preparer":"赵会计","reviewer":"赵会计"}]}' >"$state/reviewed.jsonl"
ingest "$state/reviewed.jsonl" >/dev/null
expect_eq "JSON Lines: PREPARER_IS_REVIEWER" "reviewed.jsonl:3:记-1:1:PREPARER_IS_REVIEWER" "$(found 测试交叉丙局)"

# ---- the seed case gains no false finding: the 21 of expected.json, and the
# seven gaps an extract has (the report's vouchers among the first of each
# month); no split, duplicate, unbalanced voucher or preparer-reviewer
out=$(ingest "$fixtures/seed-case/ledger-2022.csv")
seed_id=$(echo "$out" | jq .ledger_id)
ctl flags --ledger "$seed_id" --format json >"$state/seed.json"
want=$(jq -c '[.findings[] | select(.rule != "MISSING_DOCUMENT") | [.voucher_date, .voucher, .line_no, .rule]] | sort' "$fixtures/seed-case/expected.json")
got=$(jq -c '[.[] | select(.rule != "SEQUENCE_GAP") | [.voucher_date, .voucher, .line_no, .rule]] | sort' "$state/seed.json")
expect_eq "seed: the 21 findings of expected.json" "$want" "$got"
expect_eq "seed: only the gaps besides" '["2022-02 记-10 记-9","2022-03 记-29 记-9–记-28","2022-04 记-23 记-7–记-22","2022-08 记-51 记-9–记-50","2022-09 记-16 记-9–记-15","2022-12 记-43 记-8–记-42","2022-12 记-77 记-44–记-76"]' \
    "$(jq -c '[.[] | select(.rule == "SEQUENCE_GAP") | "\(.evidence.period) \(.voucher) \(.evidence.missing[0])\(if .evidence.count > 1 then "–" + .evidence.missing[-1] else "" end)"] | sort' "$state/seed.json")"
