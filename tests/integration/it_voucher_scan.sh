#!/usr/bin/env bash
# The voucher rules (UNBALANCED_VOUCHER, PREPARER_IS_REVIEWER) read only the
# vouchers vouchd could not clear as the file streamed (daemon/vscan.c), and
# find exactly what reading every voucher finds.
# tests/fixtures/voucher-scan/names.csv: a generated January (vouch-gen
# --lines 3000 --first-org 30 --seed 30, whole vouchers to line 120) with
# names a scan must not get wrong: 记-11 "李 明"/"李明", 记-12 full-width
# "ＬＩ　Ｍｉｎｇ"/"LI Ming", 记-13 an ideographic space first then "王芳"/"王芳",
# 记-14 "张三"/"李四", 记-15 a debit 1.23 over, 记-16 "赵六" first then
# "钱七"/"钱七", 记-17 "金　明"/"金明". split.csv: the same lines for another
# unit, the first line of 记-20 moved to the end, so that the rules read every
# voucher.
. "$(dirname "$0")/lib.sh"
stack_up --workers 1
dir=$fixtures/voucher-scan

found() {  # found LEDGER: its voucher rules' findings, one line each
    sql "SELECT v.voucher_word || '-' || v.voucher_no || ' ' || f.rule || ' ' || f.amount || ' ' || f.message
         FROM findings f JOIN lines l USING (ledger_id, seq)
         JOIN vouchers v ON v.ledger_id = l.ledger_id AND v.fiscal_year = l.fiscal_year
          AND v.period = l.period AND v.voucher_word = l.voucher_word AND v.voucher_no = l.voucher_no
         WHERE f.ledger_id = $1 AND f.rule IN ('UNBALANCED_VOUCHER', 'PREPARER_IS_REVIEWER')
         ORDER BY 1"
}

a=$(ctl ingest --wait --format json "$dir/names.csv" | jq -r .ledger_id)
b=$(ctl ingest --wait --format json "$dir/split.csv" | jq -r .ledger_id)
[ "$a" -gt 0 ] && [ "$b" -gt 0 ] || fail "both files stored"
grep -q "ledger $a: stage voucher_rules .* ([0-9]* of 120 lines read)" "$state/log/vouchd.log" ||
    fail "the scan chose the lines of $a: $(grep 'stage voucher_rules' "$state/log/vouchd.log")"
read_a=$(sed -n "s/.*ledger $a: stage voucher_rules .* (\([0-9]*\) of 120 lines read)/\1/p" "$state/log/vouchd.log")
[ "$read_a" -lt 60 ] || fail "the scan read $read_a of 120 lines"
ok "the rules read $read_a of 120 lines"
grep "ledger $b: stage voucher_rules" "$state/log/vouchd.log" | grep -qv "lines read" ||
    fail "a voucher not together: every line read"
ok "a voucher whose lines are not together: every line read"

fa=$(found "$a")
echo "$fa"
for want in "记-11 PREPARER_IS_REVIEWER" "记-12 PREPARER_IS_REVIEWER" "记-13 PREPARER_IS_REVIEWER" \
    "记-17 PREPARER_IS_REVIEWER" "记-15 UNBALANCED_VOUCHER 123 "; do
    grep -q "^$want" <<<"$fa" || fail "missing: $want"
done
for not in "记-14 " "记-16 "; do
    ! grep -q "^$not" <<<"$fa" || fail "found, and should not be: $not"
done
ok "names folded as PostgreSQL folds them: spaces, full width, a blank first, the first name"
expect_eq "the scan and the full read find the same" "$(found "$b")" "$fa"
