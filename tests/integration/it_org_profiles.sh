#!/usr/bin/env bash
# Per-org profiles: vouch.conf's profile.<org> lines choose the profile each
# unit's ledgers run under (the first of the list whose fiscal_years hold the
# ledger's year, else policy_profile); every finding is stamped with the rule,
# its version and the profile it ran under; SIGHUP re-reads the policy and the
# org lines, and a line naming a profile the policy lacks is refused.
. "$(dirname "$0")/lib.sh"
policy=$state/policy.json
cp "$VOUCH_SOURCE/deploy/policy/cn-default.json" "$policy"
conf() {
    cat >"$state/vouch.conf" <<CONF
policy_file = $policy
sql_dir = $VOUCH_SOURCE/sql
profile.永州市省标单位 = province-example
$1
CONF
}
conf ""
stack_up --workers 2
grep -q "serving .*profile.永州市省标单位 = province-example" "$state/log/vouchd.log" || fail "vouchd's start names the org lines"
ok "vouchd's start names the org lines"
seed=$fixtures/seed-case/ledger-2022.csv
sed 's/永州市人力资源和社会保障局/永州市省标单位/' "$seed" >"$state/province-2022.csv"
sed 's/永州市人力资源和社会保障局/永州市省标单位/' "$fixtures/sangong/ledger-2021.csv" >"$state/province-2021.csv"

# the same ledger under two profiles
expect_eq "default org: the seed's findings" 21 "$(ctl ingest --wait --format json "$seed" | jq .findings)"
ctl ingest --wait --format json "$state/province-2022.csv" >/dev/null
flags() { ctl flags --org "$1" --rule PROCUREMENT_BYPASS --format json | jq -c '[.[] | .voucher + "/" + (.line_no | tostring)] | sort'; }
expect_eq "cn-default: 7 bypasses at 100,000.00" 7 "$(flags 永州市人力资源和社会保障局 | jq length)"
expect_eq "province-example: only lines from 200,000.00" '["记-29/1","记-77/1"]' "$(flags 永州市省标单位)"
# Dec 记-78's 180,000.00 to 永州日报社: at least cn-default's floor, under the province's
q78="SELECT o.name || ':' || count(f.*) FROM lines l JOIN orgs o USING (org_id)
       LEFT JOIN findings f ON f.ledger_id = l.ledger_id AND f.seq = l.seq AND f.rule = 'PROCUREMENT_BYPASS'
      WHERE l.voucher_no = 78 AND l.period = 12 AND l.line_no = 1 GROUP BY o.name ORDER BY o.name"
expect_eq "a line that fires under one profile and not the other" \
    "永州市人力资源和社会保障局:1 永州市省标单位:0" "$(sql "$q78" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "the rest is the same" 16 "$(ctl flags --org 永州市省标单位 --format json | jq length)"

# every finding stamped with rule, rule version, profile and policy version
v1=$(ctl status --format json | jq -r .policy_version)
expect_eq "default org's findings: cn-default" "cn-default" "$(ctl flags --org 永州市人力资源和社会保障局 --format json | jq -r '[.[].profile] | unique | join(",")')"
expect_eq "province's findings: province-example" "province-example" "$(ctl flags --org 永州市省标单位 --format json | jq -r '[.[].profile] | unique | join(",")')"
expect_eq "rule versions stamped" 0 "$(sql "SELECT count(*) FROM findings WHERE rule_version IS NULL OR rule_version < 1 OR rule = '' OR policy_version <> '$v1'")"
expect_eq "json carries rule_version" 1 "$(ctl flags --org 永州市省标单位 --rule MISCLASS_EXPENSE --format json | jq '[.[].rule_version] | unique | .[0]')"

# outside the profile's fiscal years the org falls back to policy_profile
ctl ingest --wait --format json "$state/province-2021.csv" >/dev/null
expect_eq "2021: out of province-example's years, cn-default" cn-default \
    "$(sql "SELECT string_agg(DISTINCT f.profile, ',') FROM findings f JOIN orgs o USING (org_id) WHERE o.name = '永州市省标单位' AND f.fiscal_year = 2021")"

# vouchctl sees the same choice
expect_eq "rules explain --org" "province-example 200000.00" \
    "$(ctl rules explain PROCUREMENT_BYPASS --org 永州市省标单位 --year 2022 --format json | jq -r '.profile + " " + .profile_settings["thresholds.emall_floor"]')"
expect_eq "rules explain --org, another year" cn-default \
    "$(ctl rules explain PROCUREMENT_BYPASS --org 永州市省标单位 --year 2021 --format json | jq -r .profile)"
"$VOUCH_BIN/vouchd" --home "$state" --print-config | grep -qx "profile.永州市省标单位 = province-example" || fail "--print-config shows the org line"
ok "vouchd --print-config shows the org line"

# SIGHUP: a raised floor in the policy and a new org line in vouch.conf both take
jq '.profiles["province-example"].thresholds.emall_floor = "500000.00"' "$policy" >"$policy.new" && mv "$policy.new" "$policy"
conf "profile.永州市第二省标单位 = province-example"
v2=$(reload_policy "$v1")
ok "SIGHUP reloaded the policy: $v1 -> $v2"
grep -q "profile.永州市第二省标单位 = province-example" "$state"/log/vouchd.log || fail "the reload names the org lines"
sed 's/永州市人力资源和社会保障局/永州市第二省标单位/' "$seed" >"$state/second.csv"
ctl ingest --wait --format json "$state/second.csv" >/dev/null
expect_eq "the new org line and the new floor" "1 province-example $v2" \
    "$(ctl flags --org 永州市第二省标单位 --rule PROCUREMENT_BYPASS --format json | jq -r '"\(length) \(.[0].profile) \(.[0].policy_version)"')"
expect_eq "earlier findings keep their profile and version" 2 \
    "$(sql "SELECT count(*) FROM findings f JOIN orgs o USING (org_id) WHERE o.name = '永州市省标单位' AND f.rule = 'PROCUREMENT_BYPASS' AND f.profile = 'province-example' AND f.policy_version = '$v1'")"

# a line naming a profile the policy lacks: refused at reload, the running one kept
conf "profile.永州市第三单位 = no-such-profile"
kill -HUP "$(cat "$state/run/vouchd.pid")"
for _ in $(seq 1 50); do
    ctl status --format json | jq -r '.last_errors[]' | grep -q "no-such-profile" && break
    sleep 0.1
done
ctl status --format json | jq -r '.last_errors[]' | grep -q "policy not reloaded.*profile.永州市第三单位 names no-such-profile" ||
    fail "status names the line that does not load: $(ctl status --format json | jq -c .last_errors)"
ok "a profile the policy lacks is refused, with the line that names it"
expect_eq "the running policy stays" "$v2" "$(ctl status --format json | jq -r .policy_version)"
sed 's/永州市人力资源和社会保障局/永州市第三单位/' "$seed" >"$state/third.csv"
expect_eq "and still analyses, under policy_profile" "cn-default" \
    "$(ctl ingest --wait --format json "$state/third.csv" >/dev/null && ctl flags --org 永州市第三单位 --format json | jq -r '[.[].profile] | unique | join(",")')"

# vouchd refuses to start on such a line
"$VOUCH_SOURCE/deploy/stack.sh" down "$state" >/dev/null
set +e
"$VOUCH_BIN/vouchd" --home "$state" >"$state/start.out" 2>&1; rc=$?
set -e
[ "$rc" -ne 0 ] || fail "vouchd started with a profile the policy lacks"
grep -q "no-such-profile" "$state/start.out" || fail "vouchd names the profile: $(cat "$state/start.out")"
ok "vouchd refuses to start on a profile the policy lacks"
