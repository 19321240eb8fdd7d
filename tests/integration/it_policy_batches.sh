#!/usr/bin/env bash
# Small batches cut only at voucher boundaries give the same findings as one
# batch; a policy changed and reloaded with SIGHUP reaches the workers (they
# fetch the version each batch names, so none runs stale rules); a broken
# policy is refused and the running one kept.
. "$(dirname "$0")/lib.sh"
policy=$state/policy.json
cp "$VOUCH_SOURCE/deploy/policy/cn-default.json" "$policy"
cat >"$state/vouch.conf" <<CONF
policy_file = $policy
sql_dir = $VOUCH_SOURCE/sql
batch_lines = 7
CONF
stack_up --workers 2
seed=$fixtures/seed-case/ledger-2022.csv

out=$(ctl ingest --wait --format json "$seed")
expect_eq "findings with 7-line batches" 21 "$(echo "$out" | jq .findings)"
ledger=$(echo "$out" | jq .ledger_id)
batches=$(sql "SELECT count(*) FROM batches WHERE ledger_id = $ledger")
[ "$batches" -ge 20 ] || fail "expected many batches, got $batches"
ok "the ledger went out in $batches batches"
expect_eq "every batch done" "$batches" "$(sql "SELECT count(*) FROM batches WHERE ledger_id = $ledger AND state = 'done'")"
expect_eq "no voucher straddles two batches" 0 "$(sql "
    SELECT count(*) FROM (SELECT l.period, l.voucher_word, l.voucher_no
      FROM lines l JOIN batches b ON b.ledger_id = l.ledger_id AND l.seq BETWEEN b.first_seq AND b.last_seq
      WHERE l.ledger_id = $ledger GROUP BY 1, 2, 3 HAVING count(DISTINCT b.batch_no) > 1) x")"
expect_eq "batches cover every line once" 200 "$(sql "SELECT sum(lines) FROM batches WHERE ledger_id = $ledger")"
v1=$(ctl status --format json | jq -r .policy_version)
expect_eq "findings stamped with the policy version" "$v1" "$(sql "SELECT string_agg(DISTINCT policy_version, ',') FROM findings")"
expect_eq "findings stamped with the profile" cn-default "$(sql "SELECT string_agg(DISTINCT profile, ',') FROM findings")"

# raise the e-mall floor to 500,000.00 and reload
jq '.profiles["cn-default"].thresholds.emall_floor = "500000.00"' "$policy" >"$policy.new" && mv "$policy.new" "$policy"
kill -HUP "$(cat "$state/run/vouchd.pid")"
for _ in $(seq 1 50); do
    v2=$(ctl status --format json | jq -r .policy_version)
    [ "$v2" != "$v1" ] && break
    sleep 0.1
done
[ "$v2" != "$v1" ] || fail "SIGHUP did not reload the policy"
ok "SIGHUP reloaded the policy: $v1 -> $v2"
sed 's/永州市人力资源和社会保障局/永州市新政策局/' "$seed" >"$state/variant.csv"
ctl ingest --wait --format json "$state/variant.csv" >/dev/null
# only 记-29's 835,000.00 reaches the new floor; 记-77 and 记-78's lines do not
expect_eq "new floor applied" 1 "$(ctl flags --org 永州市新政策局 --rule PROCUREMENT_BYPASS --format json | jq length)"
expect_eq "the rest unchanged" 15 "$(ctl flags --org 永州市新政策局 --format json | jq length)"
expect_eq "new findings carry the new version" "$v2" "$(sql "SELECT string_agg(DISTINCT f.policy_version, ',') FROM findings f JOIN orgs o USING (org_id) WHERE o.name = '永州市新政策局'")"
expect_eq "earlier findings keep theirs" 21 "$(sql "SELECT count(*) FROM findings WHERE policy_version = '$v1'")"
grep -q "loaded policy $v2" "$state"/log/worker.*.log || fail "a worker fetched the new version"
ok "workers fetched the new version from vouchd"

# a broken policy is refused; the running one stays
echo '{"format": 1, "profiles": {' >"$policy"
kill -HUP "$(cat "$state/run/vouchd.pid")"
for _ in $(seq 1 50); do
    ctl status --format json | jq -r '.last_errors[]' | grep -q "policy not reloaded" && break
    sleep 0.1
done
ctl status --format json | jq -r '.last_errors[]' | grep -q "policy not reloaded" || fail "status reports the refused policy"
expect_eq "the running policy stays" "$v2" "$(ctl status --format json | jq -r .policy_version)"
sed 's/永州市人力资源和社会保障局/永州市第三局/' "$seed" >"$state/third.csv"
expect_eq "and still analyses" 15 "$(ctl ingest --wait --format json "$state/third.csv" | jq .findings)"
