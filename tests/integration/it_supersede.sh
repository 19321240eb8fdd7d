#!/usr/bin/env bash
# A re-export of the same unit and periods supersedes the earlier ledger:
# findings on unchanged lines keep their id, status, assignee and history;
# findings on changed lines reopen; findings on removed lines (or that the
# rule no longer finds) close as superseded. The earlier ledger stays
# queryable, and no rule reads it twice (no duplicate payments, 三公 once).
. "$(dirname "$0")/lib.sh"
stack_up --workers 1
fx=$fixtures/review
ctl user add "$(sql "SELECT session_user")" --person 审计甲 >/dev/null

old=$(ctl ingest --wait --format json "$fx/v1.csv" | jq -r .ledger_id)
snapshot=$(ctl flags --ledger "$old" --format json)
key() { jq -r '.[] | "\(.voucher_date) \(.voucher) \(.line_no) \(.rule)"' | sort; }
id_of() { # DATE VOUCHER LINE RULE: in the snapshot of the first ledger
    jq -r ".[] | select(.voucher_date == \"$1\" and .voucher == \"$2\" and .line_no == $3 and .rule == \"$4\") | .finding_id" <<<"$snapshot"
}
a=$(id_of 2022-02-16 记-5 1 PAYEE_MISMATCH)      # unchanged, dismissed
b=$(id_of 2022-04-20 记-23 1 MISCLASS_EXPENSE)   # unchanged, confirmed
c=$(id_of 2022-02-21 记-10 3 PAYEE_MISMATCH)     # changed, confirmed
d=$(id_of 2022-02-18 记-6 1 RETROACTIVE_APPROVAL) # removed, confirmed
e=$(id_of 2022-12-28 记-43 1 STALE_DOCUMENT)     # changed, no longer found
f=$(id_of 2022-03-25 记-29 1 PROCUREMENT_BYPASS) # unchanged, open, assigned
for v in a b c d e f; do [ -n "${!v}" ] || fail "fixture: no finding $v in ledger $old"; done
ctl review "$a" --dismiss --reason explained --note "冯德明代收，有委托书" >/dev/null
ctl review "$b" --confirm --note "会议室租赁误列接待费" >/dev/null
ctl review "$c" --confirm --note "郑红梅差旅费付入邓卫东账户" >/dev/null
ctl review "$d" --confirm --note "先出差后审批" >/dev/null
ctl assign "$f" --to 张审计 >/dev/null
booked_before=$(ctl report sangong --org 永州市人力资源和社会保障局 --year 2022 --format json | jq -c "[.categories, .total]")

out=$(ctl ingest --wait --format json "$fx/v2.csv")
new=$(jq -r .ledger_id <<<"$out")
expect_eq "ingest says which ledger it supersedes" "accepted $old" "$(jq -r '"\(.status) \(.supersedes)"' <<<"$out")"

finding() { sql "SELECT ledger_id || ' ' || status || ' ' || coalesce(assignee, '-') FROM findings WHERE finding_id = $1"; }
last_note() { sql "SELECT from_status || ' -> ' || to_status || ': ' || note FROM reviews WHERE finding_id = $1 ORDER BY review_id DESC LIMIT 1"; }
expect_eq "unchanged, dismissed: moved, still dismissed" "$new dismissed -" "$(finding "$a")"
expect_eq "its history carries the dismissal" "open dismissed explained|dismissed dismissed explained" \
    "$(sql "SELECT string_agg(from_status || ' ' || to_status || ' ' || reason, '|' ORDER BY review_id) FROM reviews WHERE finding_id = $a")"
expect_eq "unchanged, confirmed: moved, still confirmed" "$new confirmed -" "$(finding "$b")"
expect_eq "the carry is in the history" "confirmed -> confirmed: carried to ledger $new, a re-export of ledger $old: the line is unchanged" "$(last_note "$b")"
expect_eq "changed: moved and reopened" "$new open -" "$(finding "$c")"
expect_eq "why it reopened" "confirmed -> open: the line changed in ledger $new, a re-export of ledger $old: to be looked at again" "$(last_note "$c")"
expect_eq "the reopened finding reads the new line (NFKC)" "赴长沙参加培训差旅费(郑红梅,培训费另行报销)" \
    "$(ctl show --format json "$c" | jq -r ".lines[] | select(.line_no == \"3\" or .line_no == 3) | .summary")"
expect_eq "removed: closed as superseded, left on the old ledger" "$old superseded -" "$(finding "$d")"
expect_eq "why it closed" "confirmed -> superseded: ledger $new, a re-export of ledger $old, no longer holds the line" "$(last_note "$d")"
expect_eq "no longer found: closed as superseded" "$old superseded -" "$(finding "$e")"
expect_eq "why" "open -> superseded: the rule no longer finds it in ledger $new, a re-export of ledger $old (line changed)" "$(last_note "$e")"
expect_eq "unchanged, open, assigned: moved, keeps the assignee" "$new open 张审计" "$(finding "$f")"
expect_eq "an open finding moved without a word in its history" 0 "$(sql "SELECT count(*) FROM reviews WHERE finding_id = $f")"
ok "unchanged lines keep their review, changed ones reopen, removed ones close"

# the findings are those of the new ledger alone: the old ones less the two
# that went, none twice, none left open on the old ledger
want=$(key <<<"$snapshot" | grep -v -e "2022-02-18 记-6 1 RETROACTIVE_APPROVAL" -e "2022-12-28 记-43 1 STALE_DOCUMENT")
got=$(ctl flags --ledger "$new" --format json | key)
expect_eq "the new ledger's findings" "$want" "$got"
expect_eq "nothing left open on the old ledger" 0 \
    "$(sql "SELECT count(*) FROM findings WHERE ledger_id = $old AND status <> 'superseded'")"
expect_eq "the old ledger's finding ids live on" "$(jq -r '.[].finding_id' <<<"$snapshot" | sort -n | xargs)" \
    "$(sql "SELECT finding_id FROM findings WHERE finding_id IN ($(jq -r '[.[].finding_id] | join(",")' <<<"$snapshot")) ORDER BY 1" | xargs)"
expect_eq "no payment is its own re-export's duplicate" 0 "$(sql "SELECT count(*) FROM findings WHERE rule = 'DUPLICATE_PAYMENT'")"
expect_eq "三公 counted once" "$booked_before" \
    "$(ctl report sangong --org 永州市人力资源和社会保障局 --year 2022 --format json | jq -c "[.categories, .total]")"
expect_eq "flags --status superseded" "$(printf '%s\n' "$d" "$e" | sort -n | xargs)" \
    "$(ctl flags --status superseded --format json | jq -r '.[].finding_id' | sort -n | xargs)"

# the earlier version stays queryable
ctl show --ledger "$old" | grep -q "^replaced  ledger $new, a re-export" || fail "show --ledger $old: $(ctl show --ledger "$old" | head -20)"
ctl show --ledger "$new" | grep -q "^replaces  ledger $old" || fail "show --ledger $new"
expect_eq "the removed voucher is still there in the old ledger" "监察支队赴郴州办案差旅费" \
    "$(ctl show --format json --ledger "$old" --period 2022-02 --voucher 记-6 | jq -r '.lines[0].summary')"
ctl show "$d" | grep -q "confirmed -> superseded" || fail "show $d prints the closing"
ok "the earlier ledger stays queryable and says what replaced it"

# a third export, the same as the second but for a blank line: everything
# carries, nothing closes
cp "$fx/v2.csv" "$state/v3.csv"
printf '\r\n' >>"$state/v3.csv"
out=$(ctl ingest --wait --format json "$state/v3.csv")
third=$(jq -r .ledger_id <<<"$out")
expect_eq "the third supersedes the second" "$new" "$(jq -r .supersedes <<<"$out")"
expect_eq "statuses carried again" "$third dismissed - $third confirmed - $third open - $third open 张审计" \
    "$(echo $(finding "$a") $(finding "$b") $(finding "$c") $(finding "$f"))"
expect_eq "nothing else closed" 2 "$(sql "SELECT count(*) FROM findings WHERE status = 'superseded'")"
ok "a re-export of a re-export carries everything over"
