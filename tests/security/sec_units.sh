#!/usr/bin/env bash
# Who sees what: an auditor of one unit sees none of another's rows, through
# any vouchctl command or direct SQL; a supervisor reads and changes nothing;
# an admin sees every unit; injection in every filter is inert.
. "$VOUCH_SOURCE/tests/integration/lib.sh"
stack_up --workers 1
yz=永州市人力资源和社会保障局
cx=测试交叉局
ctl ingest --wait "$fixtures/review/v1.csv" "$fixtures/cross/cross-2022-01.csv" >/dev/null
ctl user add "$(sql "SELECT session_user")" --person 审计甲 >/dev/null
ctl user add aud_a --org "$yz" --person 赵审计 >/dev/null
ctl user add aud_b --org "$cx" --person 钱审计 >/dev/null
ctl user add sup_a --role supervisor --org "$yz" >/dev/null
ctl user add adm --role admin --person 孙管理 >/dev/null
as() { local u=$1; shift; VOUCH_USER=$u "$VOUCH_BIN/vouchctl" --home "$state" "$@"; }
refused() { # WHAT WANT-IN-STDERR USER ARGS...
    local what=$1 want=$2 rc=0
    shift 2
    as "$@" >"$state/out" 2>"$state/err" || rc=$?
    expect_eq "$what: exit 1" 1 $rc
    grep -qF "$want" "$state/err" || fail "$what: expected [$want] in [$(cat "$state/err")]"
}
yz_id=$(sql "SELECT org_id FROM orgs WHERE name = '$yz'")
yz_finding=$(sql "SELECT min(finding_id) FROM findings WHERE org_id = $yz_id")
yz_ledger=$(sql "SELECT min(ledger_id) FROM ledgers WHERE org_id = $yz_id")

# things of both units to hide: a review, an assignment, a suppression, a digest
as aud_a review "$yz_finding" --confirm --note "核实" >/dev/null
as aud_a assign "$yz_finding" --to 赵审计 >/dev/null
as aud_a review "$(sql "SELECT max(finding_id) FROM findings WHERE org_id = $yz_id AND status = 'open'")" \
    --dismiss --reason explained --scope unit --note "说明" >/dev/null
mkdir -p "$state/out-yz" "$state/out-cx"
ctl subscription add yz --org "$yz" --dir "$state/out-yz" >/dev/null
ctl subscription add cx --org "$cx" --dir "$state/out-cx" >/dev/null
ctl digest send >/dev/null

# the auditor of the other unit, through vouchctl
expect_eq "flags: its own unit only" "$cx" "$(as aud_b flags --all --format json | jq -r '[.[].org] | unique | join(",")')"
expect_eq "flags: as many as its unit has" "$(ctl flags --all --org "$cx" --format json | jq length)" \
    "$(as aud_b flags --all --format json | jq length)"
expect_eq "flags --org of the other unit: nothing" "[]" "$(as aud_b flags --all --org "$yz" --format json | jq -c .)"
expect_eq "group by org: its own" "$cx" "$(as aud_b flags --all --group-by org --format json | jq -r '[.[].org] | join(",")')"
refused "show another unit's finding" "no finding $yz_finding" aud_b show "$yz_finding"
refused "show another unit's ledger" "no ledger $yz_ledger" aud_b show --ledger "$yz_ledger"
refused "show another unit's voucher" "no such voucher" aud_b show --ledger "$yz_ledger" --period 2022-02 --voucher 记-5
refused "the other unit's 三公" "" aud_b report sangong --org "$yz" --year 2022
refused "review another unit's finding" "no finding $yz_finding" aud_b review "$yz_finding" --reopen --note x
refused "assign another unit's finding" "no finding $yz_finding" aud_b assign "$yz_finding" --to 钱审计
refused "lift another unit's suppression" "no active suppression 1" aud_b suppression lift 1 --note x
expect_eq "suppressions: none of the other unit's" "[]" "$(as aud_b suppression list --all --format json | jq -c .)"
expect_eq "subscriptions: its unit's only" "cx" "$(as aud_b subscription list --format json | jq -r '[.[].name] | join(",")')"
expect_eq "digests: its unit's only" "cx" "$(as aud_b digest list --format json | jq -r '[.[].subscription] | unique | join(",")')"
expect_eq "users: itself only" "aud_b" "$(as aud_b user list --format json | jq -r '[.[].name] | join(",")')"
ok "an auditor of one unit sees none of another's rows through vouchctl"

# ...and through SQL, table by table: the other unit has rows in each
for t in orgs ledgers lines vouchers batches findings reviews assignments suppressions; do
    all=$(sql "SELECT count(*) FROM $t WHERE org_id = $yz_id")
    [ "$all" -gt 0 ] || fail "fixture: no $t rows of $yz to hide"
    expect_eq "SQL: $t of the other unit" 0 "$(SQL_USER=aud_b sql "SELECT count(*) FROM $t WHERE org_id = $yz_id")"
    expect_eq "SQL: $t of its own" "$(sql "SELECT count(*) FROM $t WHERE org_id <> $yz_id")" \
        "$(SQL_USER=aud_b sql "SELECT count(*) FROM $t")"
done
for q in "subscriptions WHERE name = 'yz'" "digests d JOIN subscriptions s USING (subscription_id) WHERE s.name = 'yz'" \
    "digest_findings WHERE finding_id IN (SELECT finding_id FROM findings WHERE org_id = $yz_id)" "users WHERE name <> 'aud_b'"; do
    [ "$(sql "SELECT count(*) FROM $q")" -gt 0 ] || fail "fixture: nothing in $q"
    expect_eq "SQL: $q" 0 "$(SQL_USER=aud_b sql "SELECT count(*) FROM $q")"
done
if SQL_USER=aud_b sql "SELECT vouch_review_unguarded($yz_finding, 'open', NULL, 'x')" >/dev/null 2>&1; then
    fail "the unguarded review function is callable"
fi
if SQL_USER=aud_b sql "UPDATE findings SET status = 'dismissed'" >/dev/null 2>&1; then
    fail "an auditor updated findings with SQL"
fi
ok "and none through direct SQL, on any table"

# the supervisor reads its unit and changes nothing
reviews=$(sql "SELECT count(*) || ' ' || max(review_id) FROM reviews")
expect_eq "supervisor reads its unit" "$yz" "$(as sup_a flags --all --format json | jq -r '[.[].org] | unique | join(",")')"
refused "a supervisor reviews" "may not change findings: supervisor reads only" sup_a review "$yz_finding" --reopen --note x
refused "a supervisor assigns" "may not change findings" sup_a assign "$yz_finding" --to x
refused "a supervisor lifts" "may not change findings" sup_a suppression lift 1 --note x
refused "a supervisor dismisses with a scope" "may not change findings" sup_a review "$(sql "SELECT min(finding_id) FROM findings WHERE org_id = $yz_id AND status = 'open'")" --dismiss --reason explained --scope line --note x
refused "a supervisor adds users" "only an admin adds users" sup_a user add eve --org "$yz" --person x
for stmt in "UPDATE findings SET status = 'confirmed'" "INSERT INTO reviews (finding_id, org_id, from_status, to_status, note) VALUES ($yz_finding, $yz_id, 'open', 'confirmed', 'x')" \
    "DELETE FROM suppressions" "UPDATE users SET role = 'admin'"; do
    if SQL_USER=sup_a sql "$stmt" >/dev/null 2>"$state/err"; then fail "supervisor: $stmt went through"; fi
    grep -q "permission denied" "$state/err" || fail "supervisor: $stmt: $(cat "$state/err")"
done
expect_eq "nothing the supervisor tried changed a review" "$reviews" \
    "$(sql "SELECT count(*) || ' ' || max(review_id) FROM reviews")"
ok "a supervisor reads and cannot change reviews"

# the admin sees every unit, and adds users
expect_eq "admin sees both" "$yz,$cx" "$(as adm flags --all --format json | jq -r '[.[].org] | unique | sort | join(",")')"
as adm user add aud_c --org "$cx" --person 李审计 >/dev/null || fail "an admin adds a user"
ok "an admin sees every unit and adds users"

# injection in every filter is inert
findings=$(sql "SELECT count(*) FROM findings")
for evil in "x' OR '1'='1" "'; DROP TABLE findings; --" "$yz' OR org_id > 0 --" '\\" OR 1=1 #' "%" "$(printf 'x\x01y')"; do
    for flag in --org --rule --assignee; do
        expect_eq "flags $flag [$evil]" "[]" "$(as aud_b flags --all "$flag" "$evil" --format json | jq -c .)"
    done
    rc=0
    as aud_b report sangong --org "$evil" --year 2022 >/dev/null 2>&1 || rc=$?
    expect_eq "report --org [$evil]" 1 $rc
    for opt in "--status" "--severity" "--ledger" "--from" "--sort" "--group-by"; do
        rc=0
        as aud_b flags "$opt" "$evil" >/dev/null 2>&1 || rc=$?
        expect_eq "flags $opt [$evil] is wrong usage" 2 $rc
    done
    rc=0
    as aud_b show --ledger 1 --period 2022-02 --voucher "$evil" >/dev/null 2>&1 || rc=$?
    [ $rc -ne 0 ] || fail "show --voucher [$evil] answered"
    rc=0
    as aud_b review "$evil" --confirm --note x >/dev/null 2>&1 || rc=$?
    expect_eq "review [$evil] is wrong usage" 2 $rc
    rc=0
    ctl user add "$evil" --org "$yz" --person x >/dev/null 2>&1 || rc=$?
    expect_eq "user add [$evil]" 1 $rc
done
ctl subscription add evil --org "x'); DROP TABLE findings; --" --dir "$state" >/dev/null
expect_eq "a subscription's unit is kept as text" "x'); DROP TABLE findings; --" \
    "$(ctl subscription list --format json | jq -r '.[] | select(.name == "evil") | .orgs[0]')"
expect_eq "findings all there" "$findings" "$(sql "SELECT count(*) FROM findings")"
ok "injection in every filter is inert"
