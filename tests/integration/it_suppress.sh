#!/usr/bin/env bash
# Suppression: dismissing a finding with a scope (this line, this payee under
# this rule, this rule for this unit) turns the open findings it covers, now
# and in later ledgers, to 'suppressed'; they stay countable; decisions
# already taken stand; lifting a suppression reopens what it held.
. "$(dirname "$0")/lib.sh"
stack_up --workers 1
fx=$fixtures/review
who=$(sql "SELECT session_user")
ctl user add "$who" --person 审计甲 >/dev/null
ctl ingest --wait "$fx/v1.csv" >/dev/null
all() { ctl flags --format json --status "$1"; }
id_of() { # DATE VOUCHER LINE RULE
    sql "SELECT f.finding_id FROM findings f JOIN lines l USING (ledger_id, seq, org_id, fiscal_year, period)
         WHERE l.voucher_date = '$1' AND l.voucher_word || '-' || l.voucher_no = '$2' AND l.line_no = $3
           AND f.rule = '$4' ORDER BY f.finding_id"
}
status_of() { sql "SELECT status FROM findings WHERE finding_id = $1"; }

hotel=$(id_of 2022-09-09 记-16 1 INDICATOR_MISMATCH)      # 永州宾馆
hotel2=$(id_of 2022-09-09 记-17 1 INDICATOR_MISMATCH)     # 永州宾馆 again
other=$(id_of 2022-08-12 记-51 1 INDICATOR_MISMATCH)      # 永州国际大酒店
pay1=$(id_of 2022-02-21 记-10 1 PAYEE_MISMATCH)
pay3=$(id_of 2022-02-21 记-10 3 PAYEE_MISMATCH)
pay5=$(id_of 2022-02-16 记-5 1 PAYEE_MISMATCH)
stale=$(id_of 2022-12-28 记-43 1 STALE_DOCUMENT)

# this payee under this rule
out=$(ctl review "$hotel" --dismiss --reason false_positive --scope payee --note "永州宾馆会议室按会议费指标列支，经核无误")
expect_eq "payee scope" "finding $hotel: open -> dismissed ($who); suppression 1 (INDICATOR_MISMATCH paying 永州宾馆): 1 other open finding suppressed" "$out"
expect_eq "the same payee's other finding is suppressed" suppressed "$(status_of "$hotel2")"
expect_eq "another payee's is not" open "$(status_of "$other")"
expect_eq "its history names the suppression" "open -> suppressed: suppression 1 (INDICATOR_MISMATCH paying 永州宾馆), made by $who dismissing finding $hotel" \
    "$(sql "SELECT from_status || ' -> ' || to_status || ': ' || note FROM reviews WHERE finding_id = $hotel2")"

# this rule for this unit: a decision already taken stands
ctl review "$pay3" --confirm --note "郑红梅差旅费付入他人账户" >/dev/null
out=$(ctl review "$pay1" --dismiss --reason explained --scope unit --note "本单位集中报销由经办人代收，有授权书")
expect_eq "unit scope" "finding $pay1: open -> dismissed ($who); suppression 2 (PAYEE_MISMATCH in 永州市人力资源和社会保障局): 1 other open finding suppressed" "$out"
expect_eq "the open one is suppressed, the confirmed one stands" "suppressed confirmed" "$(status_of "$pay5") $(status_of "$pay3")"

# this line
out=$(ctl review "$stale" --dismiss --reason explained --scope line --note "2021年合同分期验收，单据齐全")
expect_eq "line scope" "finding $stale: open -> dismissed ($who); suppression 3 (STALE_DOCUMENT on 2022-12 记-43 line 1): 0 other open findings suppressed" "$out"

rc=0
ctl review "$other" --confirm --scope unit --note x >/dev/null 2>&1 || rc=$?
expect_eq "--scope goes with --dismiss only" 2 $rc
rc=0
ctl review "$other" --dismiss --reason explained --scope everything --note x >/dev/null 2>&1 || rc=$?
expect_eq "an unknown scope is wrong usage" 2 $rc
ok "dismissals with a scope suppress the open findings they cover"

# the next ledgers: the next year's January, and December sent again alone
ctl ingest --wait "$fx/next-2023-01.csv" "$fx/dec-2022.csv" >/dev/null
new() { # VOUCHER_DATE VOUCHER LINE RULE -> status
    status_of "$(id_of "$@")"
}
expect_eq "2023: 永州宾馆 under the rule: suppressed" suppressed "$(new 2023-01-09 记-1 1 INDICATOR_MISMATCH)"
expect_eq "2023: 永州宾馆 under another rule: open" open "$(new 2023-01-09 记-1 1 MISCLASS_EXPENSE)"
expect_eq "2023: another payee under the rule: open" open "$(new 2023-01-12 记-3 1 INDICATOR_MISMATCH)"
expect_eq "2023: the unit's rule: suppressed" "suppressed suppressed" \
    "$(echo $(status_of "$(id_of 2023-01-21 记-2 1 PAYEE_MISMATCH)") $(status_of "$(id_of 2023-01-21 记-2 3 PAYEE_MISMATCH)"))"
expect_eq "December again: the line's copy is suppressed" "dismissed suppressed" \
    "$(sql "SELECT string_agg(f.status, ' ' ORDER BY f.finding_id) FROM findings f WHERE f.rule = 'STALE_DOCUMENT'")"
ok "the same false positives do not come back open with the next ledgers"

# suppressed findings still exist and are counted
expect_eq "flags --status suppressed counts them by rule" \
    '[{"rule":"INDICATOR_MISMATCH","findings":2},{"rule":"PAYEE_MISMATCH","findings":3},{"rule":"STALE_DOCUMENT","findings":1}]' \
    "$(ctl flags --status suppressed --group-by rule --format json | jq -c '[.[] | {rule, findings}]')"
expect_eq "the group-by amounts are the listed amounts" \
    "$(all suppressed | jq -r '[.[].amount | tonumber] | add')" \
    "$(ctl flags --status suppressed --group-by rule --format json | jq -r '[.[].amount | tonumber] | add')"
expect_eq "suppression list: what each holds" "1 payee 2|2 unit 3|3 line 1" \
    "$(ctl suppression list --format json | jq -r '[.[] | "\(.suppression_id) \(.scope) \(.suppressed)"] | join("|")')"
ctl suppression list | grep -q "PAYEE_MISMATCH in 永州市人力资源和社会保障局" || fail "suppression list table: $(ctl suppression list)"
ok "suppressed findings are listed and counted"

# lifting reopens what the suppression held, with a word in each history
expect_eq "lift" "suppression 2 lifted: 3 findings reopened" "$(ctl suppression lift 2 --note "授权书不全，逐笔核查")"
expect_eq "reopened" "open" "$(status_of "$pay5")"
expect_eq "the dismissal it came with stands" dismissed "$(status_of "$pay1")"
expect_eq "history of the lift" "suppressed -> open: suppression 2 lifted by $who (审计甲): 授权书不全，逐笔核查" \
    "$(sql "SELECT from_status || ' -> ' || to_status || ': ' || note FROM reviews WHERE finding_id = $pay5 ORDER BY review_id DESC LIMIT 1")"
expect_eq "lifted ones are listed with --all only" "1 3" "$(ctl suppression list --format json | jq -r '[.[].suppression_id] | join(" ")')"
expect_eq "--all" "1 2 3" "$(ctl suppression list --all --format json | jq -r '[.[].suppression_id] | join(" ")')"
rc=0
ctl suppression lift 2 --note again >/dev/null 2>&1 || rc=$?
expect_eq "a lifted suppression is not lifted twice" 1 $rc
ctl ingest --wait "$fx/../seed-case/ledger-2022.jsonl" >/dev/null
expect_eq "after the lift, the unit's rule finds open again" 0 \
    "$(sql "SELECT count(*) FROM findings f JOIN ledgers g USING (ledger_id) WHERE g.format = 'jsonl' AND f.rule = 'PAYEE_MISMATCH' AND f.status <> 'open'")"
ok "lifting a suppression reopens its findings and ends it"
