#!/usr/bin/env bash
# Auditors' decisions: confirm, dismiss with a reason, reopen; each change in
# an append-only history with who made it (the database user) and the note;
# wrong moves refused with a reason and exit 1, nothing changed. Users are
# database roles linked to a person, and no one reviews the findings on a
# voucher their person prepared (制单人).
. "$(dirname "$0")/lib.sh"
stack_up --workers 1
ctl ingest --wait "$fixtures/review/v1.csv" >/dev/null
flags() { ctl flags --format json; }
id_of() { flags | jq -r ".[] | select(.voucher == \"$1\" and .rule == \"$2\") | .finding_id"; }
status_of() { flags | jq -r ".[] | select(.finding_id == $1) | .status"; }
refused() { # WHAT EXPECTED-MESSAGE ARGS...
    local what=$1 want=$2 rc=0
    shift 2
    ctl review "$@" 2>"$state/err" >/dev/null || rc=$?
    expect_eq "$what: exit 1" 1 $rc
    grep -qF "$want" "$state/err" || fail "$what: expected [$want], got [$(cat "$state/err")]"
}
who=$(sql "SELECT session_user")

venue=$(id_of 记-23 MISCLASS_EXPENSE)
pay=$(id_of 记-5 PAYEE_MISMATCH)
expect_eq "findings start open" "open open" "$(status_of "$venue") $(status_of "$pay")"

# a review is signed by a person: a database user linked to none may not
refused "a user linked to no person" "database user $who is linked to no person" "$venue" --confirm --note x
expect_eq "user add" "user $who added: auditor 审计甲, every unit (connect with VOUCH_USER=$who)" "$(ctl user add "$who" --person 审计甲)"
rc=0
ctl user add "$who" --person 别人 >/dev/null 2>"$state/err" || rc=$?
expect_eq "a user is added once" 1 $rc
grep -qF "user $who exists (person 审计甲)" "$state/err" || fail "add twice: $(cat "$state/err")"
rc=0
ctl user add "Robert'); DROP TABLE findings;--" --person x >/dev/null 2>&1 || rc=$?
expect_eq "a user name is a plain identifier" 1 $rc

out=$(ctl review "$venue" --confirm --note "会议室租赁确属误列接待费")
expect_eq "confirm" "finding $venue: open -> confirmed ($who)" "$out"
expect_eq "flags shows it confirmed" confirmed "$(status_of "$venue")"
ctl review "$pay" --dismiss --reason explained --note "冯德明为代收人，有委托书" >/dev/null
expect_eq "dismissed" dismissed "$(status_of "$pay")"
expect_eq "flags --status filters" "$pay" "$(ctl flags --status dismissed --format json | jq -r '.[].finding_id')"

refused "confirm a confirmed one" "reopen it first" "$venue" --confirm --note again
still=$(id_of 记-29 PROCUREMENT_BYPASS)
refused "dismiss without a known reason" "a dismissal needs a reason: corrected, duplicate, explained, false_positive, immaterial" "$still" --dismiss --reason because --note x
refused "no note" "a note is required" "$pay" --reopen --note "  "
refused "reopen an open one" "only a confirmed or dismissed finding reopens" "$still" --reopen --note x
expect_eq "refusals changed nothing" open "$(status_of "$still")"
refused "no such finding" "no finding 999999" 999999 --confirm --note x
rc=0
ctl review "$venue" --dismiss --note x >/dev/null 2>&1 || rc=$?
expect_eq "--dismiss without --reason is wrong usage" 2 $rc

ctl review "$pay" --reopen --note "委托书未盖章，重新核实" >/dev/null
ctl review "$pay" --confirm --note "委托书无效" >/dev/null
expect_eq "reopened then confirmed" confirmed "$(status_of "$pay")"

# the history, oldest first, in show's JSON and its table
hist=$(ctl show --format json "$pay" | jq -c ".findings[] | select(.finding_id == \"$pay\" or .finding_id == $pay) | [.history[] | [.from, .to, .reason, .who]]")
expect_eq "history of the payee finding" \
    "[[\"open\",\"dismissed\",\"explained\",\"$who\"],[\"dismissed\",\"open\",null,\"$who\"],[\"open\",\"confirmed\",null,\"$who\"]]" "$hist"
ctl show "$pay" | grep -qE "history [0-9-]+ [0-9:]+  $who  open -> dismissed \(explained\): 冯德明为代收人，有委托书" ||
    fail "show's table prints the history: $(ctl show "$pay" | grep -A3 history)"
ok "show prints the history with who, what and why"

# no one rewrites history: not vouchctl, not SQL as vouch's own role
for stmt in "UPDATE reviews SET note = 'x'" "DELETE FROM reviews" "TRUNCATE reviews"; do
    if sql "$stmt" >/dev/null 2>"$state/err"; then fail "$stmt went through"; fi
    grep -q "append-only" "$state/err" || fail "$stmt: $(cat "$state/err")"
done
ok "UPDATE, DELETE and TRUNCATE of the history are refused"
expect_eq "four changes kept" 4 "$(sql "SELECT count(*) FROM reviews")"

# assignment: who is to look at what; every assignment kept, append-only too
out=$(ctl assign "$venue" "$still" --to 张审计)
expect_eq "assign two" "finding $venue: (nobody) -> 张审计
finding $still: (nobody) -> 张审计" "$out"
expect_eq "flags --assignee lists them" "$(printf '%s\n' "$venue" "$still" | sort -n | xargs)" \
    "$(ctl flags --assignee 张审计 --format json | jq -r '.[].finding_id' | sort -n | xargs)"
expect_eq "flags JSON carries the assignee" 张审计 "$(flags | jq -r ".[] | select(.finding_id == $venue) | .assignee")"
expect_eq "reassign" "finding $venue: 张审计 -> 李复核" "$(ctl assign "$venue" --to 李复核)"
expect_eq "one left to 张审计" "$still" "$(ctl flags --assignee 张审计 --format json | jq -r '.[].finding_id')"
expect_eq "show's JSON lists the assignments" "(nobody)>张审计 张审计>李复核" \
    "$(ctl show --format json "$venue" | jq -r "[.findings[] | select(.finding_id == \"$venue\") | .assignments[] | \"\\(.from // \"(nobody)\")>\\(.to)\"] | join(\" \")")"
ctl show "$venue" | grep -qE "\[confirmed\]  assigned to 李复核" || fail "show's table names the assignee: $(ctl show "$venue" | grep "#$venue")"
ctl show "$venue" | grep -qE "assigned [0-9-]+ [0-9:]+  $who  \(nobody\) -> 张审计" || fail "show's table lists the assignments"
expect_eq "assignments kept" "张审计 李复核" "$(sql "SELECT string_agg(to_name, ' ' ORDER BY assignment_id) FROM assignments WHERE finding_id = $venue")"
rc=0
ctl assign "$venue" --to "  " >/dev/null 2>&1 || rc=$?
expect_eq "assign to nobody is refused" 1 $rc
if sql "DELETE FROM assignments" >/dev/null 2>&1; then fail "assignments deleted"; fi
ok "the assignment history is append-only"

# users are database roles linked to a person; the history names the role
# that logged in, and no one reviews what their person prepared (制单人)
ctl user add li --person 李会计 --org 永州市人力资源和社会保障局 >/dev/null
ctl user add zhao --person 赵审计 --org 永州市人力资源和社会保障局 >/dev/null
expect_eq "user list, by name" "li 李会计 vouch 审计甲 zhao 赵审计" \
    "$(ctl user list --format json | jq -r '.[] | "\(.name) \(.person)"' | xargs)"
rc=0
VOUCH_USER=li ctl review "$venue" --reopen --note "我再核实" >/dev/null 2>"$state/err" || rc=$?
expect_eq "self-review refused: exit 1" 1 $rc
grep -qF "you (li, 李会计) prepared voucher 记-23: someone else reviews its findings" "$state/err" ||
    fail "self-review: $(cat "$state/err")"
expect_eq "self-review changed nothing" confirmed "$(status_of "$venue")"
expect_eq "li reviews a voucher 王会计 prepared" "finding $still: open -> confirmed (li)" \
    "$(VOUCH_USER=li ctl review "$still" --confirm --note "未见采购审批")"
expect_eq "zhao reviews li's voucher" "finding $venue: confirmed -> open (zhao)" \
    "$(VOUCH_USER=zhao ctl review "$venue" --reopen --note "补充询价记录后复核")"
expect_eq "the history names the role that logged in" "li $who zhao" \
    "$(sql "SELECT string_agg(DISTINCT who, ' ' ORDER BY who) FROM reviews")"
expect_eq "a user reads what vouchctl lists" "$(flags | jq length)" \
    "$(VOUCH_USER=zhao ctl flags --format json | jq length)"
if SQL_USER=zhao sql "UPDATE findings SET status = 'dismissed'" >/dev/null 2>"$state/err"; then
    fail "a user changed findings with SQL"
fi
grep -q "permission denied" "$state/err" || fail "UPDATE as a user: $(cat "$state/err")"
if SQL_USER=zhao sql "INSERT INTO reviews (finding_id, org_id, from_status, to_status, note, who) VALUES ($venue, 1, 'open', 'confirmed', 'x', 'li')" >/dev/null 2>&1; then
    fail "a user wrote history under another name"
fi
rc=0
VOUCH_USER=li ctl user add mallory --person x >/dev/null 2>&1 || rc=$?
expect_eq "a user does not add users" 1 $rc
ok "self-review refused; users read, and change findings only through review and assign"

expect_eq "user remove" "user li (李会计) removed" "$(ctl user remove li)"
rc=0
VOUCH_USER=li ctl flags >/dev/null 2>&1 || rc=$?
expect_eq "a removed user cannot log in" 3 $rc
expect_eq "the removed user stays listed" true \
    "$(ctl user list --format json | jq '.[] | select(.name == "li") | .removed_at != null')"
ok "a removed user loses the login and stays in the histories"
