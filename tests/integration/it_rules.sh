#!/usr/bin/env bash
# vouchctl rules list | lint | explain, without vouchd: the policy comes from
# vouch.conf's policy_file or --policy; what is printed is the policy's data;
# lint names each mistake by its JSON path and exits 1 on an error.
. "$(dirname "$0")/lib.sh"
policy=$state/policy.json
cp "$VOUCH_SOURCE/deploy/policy/cn-default.json" "$policy"
cat >"$state/vouch.conf" <<CONF
policy_file = $policy
CONF

# list: the rules of the policy and of the build, where they run, what they need
list=$(ctl rules list --format json)
expect_eq "list reads vouch.conf's policy" "$policy" "$(echo "$list" | jq -r .policy_file)"
for r in MISCLASS_EXPENSE INDICATOR_MISMATCH PAYEE_MISMATCH PROCUREMENT_BYPASS SPLIT_PURCHASE \
    RETROACTIVE_APPROVAL STALE_DOCUMENT MISSING_DOCUMENT DUPLICATE_PAYMENT UNBALANCED_VOUCHER; do
    echo "$list" | jq -e --arg r "$r" '.rules[] | select(.rule == $r)' >/dev/null || fail "list: $r"
done
ok "list names every rule of the policy"
expect_eq "a worker rule" "worker runs 1 medium" "$(echo "$list" | jq -r '.rules[] | select(.rule == "MISCLASS_EXPENSE") | "\(.runs_in) \(.status) \(.version) \(.severity)"')"
expect_eq "a SQL rule" sql "$(echo "$list" | jq -r '.rules[] | select(.rule == "SPLIT_PURCHASE") | .runs_in')"
echo "$list" | jq -e '.rules[] | select(.rule == "RETROACTIVE_APPROVAL") | .needs | index("审批日期/approval_date")' >/dev/null || fail "list: needs"
ok "list: the columns a rule needs"
ctl rules list | grep -q "PROCUREMENT_BYPASS .* high .* worker" || fail "list: table"
ok "list: table"
# without a state folder: the default policy
out=$(env -u VOUCH_HOME "$VOUCH_BIN/vouchctl" rules list --format json)
expect_eq "list without a state folder" cn-default "$(echo "$out" | jq -r .profile)"

# explain: the policy's own words, in both languages; a changed policy changes it
ex=$(ctl rules explain MISCLASS_EXPENSE --format json)
expect_eq "explain: families from the policy" "venue training vehicle travel" "$(echo "$ex" | jq -r '.settings.families | keys_unsorted | join(" ")')"
expect_eq "explain: code names" 公务接待费 "$(echo "$ex" | jq -r '.code_names["30217"]')"
ctl rules explain misclass_expense | grep -q "场地租赁 / a venue rental" || fail "explain: labels in Chinese and English"
ok "explain: table in Chinese and English"
jq '.profiles["cn-default"].rules.MISCLASS_EXPENSE.families.venue.words += ["包场"]' "$policy" >"$policy.new" && mv "$policy.new" "$policy"
ctl rules explain MISCLASS_EXPENSE | grep -q "场租、包场" || fail "explain prints what the file says"
ok "explain follows the policy file"
expect_eq "explain: thresholds" 100000.00 "$(ctl rules explain PROCUREMENT_BYPASS --format json | jq -r '.profile_settings["thresholds.emall_floor"]')"
set +e
ctl rules explain NO_SUCH_RULE >/dev/null 2>&1; rc=$?
ctl rules explain MISCLASS_EXPENSE --profile nowhere >/dev/null 2>"$state/err"; rc2=$?
ctl rules frobnicate >/dev/null 2>&1; rc3=$?
set -e
expect_eq "explain of an unknown rule exits 1" 1 $rc
expect_eq "an unknown profile exits 1" 1 $rc2
grep -q "no such profile" "$state/err" || fail "the missing profile is named"
expect_eq "an unknown subcommand exits 2" 2 $rc3

# lint: the shipped policy is clean; mistakes named by JSON path, exit 1
ctl rules lint "$VOUCH_SOURCE/deploy/policy/cn-default.json" >/dev/null || fail "shipped policy lints"
ok "the shipped policy lints clean"
jq '.profiles["hunan"] = {"extends": "cn-default", "thresholds": {"emall_flor": "300000.00"}}
    | .profiles["cn-default"].sangong_codes["30299x"] = "x"' "$policy" >"$state/bad.json"
set +e
ctl rules lint "$state/bad.json" >"$state/out" 2>"$state/err"; rc=$?
set -e
expect_eq "lint of a bad policy exits 1" 1 $rc
grep -q "profiles.hunan.thresholds.emall_flor: unknown key" "$state/err" || fail "lint names the child's key: $(cat "$state/err")"
grep -q "profiles.cn-default" "$state/err" || fail "lint names the parent's key"
ok "lint names each mistake by its path"
# the parent's mistake fails every profile that extends it
expect_eq "lint json: the profiles refused" "cn-complete-journal cn-default hunan province-example" \
    "$(ctl rules lint --format json "$state/bad.json" | jq -r '[.problems[] | select(.severity == "error") | .profile] | unique | join(" ")')"
printf '{"format": 1,\n  "profiles": {\n' >"$state/cut.json"
set +e
ctl rules lint "$state/cut.json" 2>"$state/err" >/dev/null; rc=$?
set -e
expect_eq "lint of broken JSON exits 1" 1 $rc
grep -q "cut.json:3: column" "$state/err" || fail "lint: line and column of broken JSON"
ok "lint: broken JSON by line and column"
