#!/usr/bin/env bash
# The seed case end to end: the evaluation report's ledger as a CSV export in,
# exactly the 21 findings a CSV can show out (all of expected.json but the
# JSON-only MISSING_DOCUMENT), on the right voucher lines, and nothing else.
. "$(dirname "$0")/lib.sh"
stack_up --workers 2

out=$(ctl ingest --wait --format json "$fixtures/seed-case/ledger-2022.csv")
echo "$out"
expect_eq "ingest status" accepted "$(echo "$out" | jq -r .status)"
expect_eq "lines stored" 200 "$(echo "$out" | jq -r .lines)"
expect_eq "findings after --wait" 21 "$(echo "$out" | jq -r .findings)"
ledger=$(echo "$out" | jq -r .ledger_id)
expect_eq "vouchers stored" "$(sql "SELECT count(*) FROM vouchers WHERE ledger_id = $ledger")" "$(echo "$out" | jq -r .vouchers)"
expect_eq "debits equal credits" "$(sql "SELECT sum(debit) FROM lines WHERE ledger_id = $ledger")" "$(sql "SELECT sum(credit) FROM lines WHERE ledger_id = $ledger")"

ctl flags --format json >"$state/flags.json"
want=$(jq -c '[.findings[] | select(.rule != "MISSING_DOCUMENT") | [.voucher_date, .voucher, .line_no, .rule]] | sort' "$fixtures/seed-case/expected.json")
got=$(jq -c '[.[] | [.voucher_date, .voucher, .line_no, .rule]] | sort' "$state/flags.json")
if [ "$want" != "$got" ]; then
    echo "expected: $want" >&2
    echo "got:      $got" >&2
    fail "findings differ from expected.json"
fi
ok "the 21 findings of expected.json, and nothing else"
# MISSING_DOCUMENT runs on the CSV (附件数 and credits are there) and finds
# nothing: every payment voucher has attachments, and a CSV has no documents
expect_eq "MISSING_DOCUMENT runs on the CSV" runs "$(ctl show --format json --ledger "$ledger" | jq -r '.coverage[] | select(.rule == "MISSING_DOCUMENT") | .status')"
expect_eq "MISSING_DOCUMENT finds nothing in the CSV" 0 "$(jq '[.[] | select(.rule == "MISSING_DOCUMENT")] | length' "$state/flags.json")"

# what an auditor reads: amounts as yuan strings, messages in both languages, evidence
f=$(jq -c '.[] | select(.voucher == "记-23" and .rule == "MISCLASS_EXPENSE")' "$state/flags.json")
expect_eq "记-23 amount" 4000.00 "$(echo "$f" | jq -r .amount)"
expect_eq "记-23 org" 永州市人力资源和社会保障局 "$(echo "$f" | jq -r .org)"
expect_eq "记-23 severity" medium "$(echo "$f" | jq -r .severity)"
expect_eq "记-23 status" open "$(echo "$f" | jq -r .status)"
[ -n "$(echo "$f" | jq -r .message)" ] && [ -n "$(echo "$f" | jq -r .message_en)" ] || fail "messages missing"
expect_eq "evidence is an object" object "$(echo "$f" | jq -r '.evidence | type')"
expect_eq "every finding has a message" 0 "$(jq '[.[] | select(.message == "" or .message_en == "")] | length' "$state/flags.json")"
expect_eq "rule 记-29 bypass amount" 835000.00 "$(jq -r '.[] | select(.voucher == "记-29" and .rule == "PROCUREMENT_BYPASS") | .amount' "$state/flags.json")"

# filters
expect_eq "--rule" 7 "$(ctl flags --rule PROCUREMENT_BYPASS --format json | jq length)"
expect_eq "--severity low" 1 "$(ctl flags --severity low --format json | jq length)"
expect_eq "--from/--to" 2 "$(ctl flags --from 2022-09-01 --to 2022-09-30 --rule MISCLASS_EXPENSE --format json | jq length)"
expect_eq "--ledger" 21 "$(ctl flags --ledger "$ledger" --format json | jq length)"
expect_eq "--org other" 0 "$(ctl flags --org 某某单位 --format json | jq length)"
expect_eq "--group-by rule" 6 "$(ctl flags --group-by rule --format json | jq length)"
expect_eq "--group-by rule counts" 21 "$(ctl flags --group-by rule --format json | jq '[.[].findings] | add')"
[ "$(ctl flags --format csv | wc -l)" -eq 22 ] || fail "csv: header and 21 rows"
ok "csv has a header and 21 rows"
table=$(ctl flags)
grep -q "21 findings on 17 voucher lines, 2,004,144.10 yuan on those lines" <<<"$table" || fail "table footer counts each line's amount once"
ctl flags --wide --rule RETROACTIVE_APPROVAL | grep -q "审批日期为2021-11-15" || fail "--wide prints messages whole"
grep -q "记-78" <<<"$table" || fail "table lists 记-78"
ok "table"

# show: a finding in its voucher, and the same voucher by ledger, period and number
id=$(echo "$f" | jq -r .finding_id)
shown=$(ctl show "$id")
grep -q "接待省人社厅领导调研租赁会议室" <<<"$shown" || fail "show: summary"
grep -q "MISCLASS_EXPENSE" <<<"$shown" || fail "show: finding"
ok "show FINDING_ID"
expect_eq "show --ledger --period --voucher" 2 "$(ctl show --format json --ledger "$ledger" --period 2022-04 --voucher 记-23 | jq '.lines | length')"
expect_eq "show --ledger" 200 "$(ctl show --format json --ledger "$ledger" | jq -r .lines)"
set +e
ctl show 999999 >/dev/null 2>&1; rc=$?
set -e
expect_eq "show of a missing finding exits 1" 1 $rc

# the same bytes again: a reported no-op
again=$(ctl ingest --wait --format json "$fixtures/seed-case/ledger-2022.csv")
expect_eq "re-ingest is a duplicate" duplicate "$(echo "$again" | jq -r .status)"
expect_eq "re-ingest names the first ledger" "$ledger" "$(echo "$again" | jq -r .ledger_id)"
expect_eq "still one ledger" 1 "$(sql "SELECT count(*) FROM ledgers")"
expect_eq "still 21 findings" 21 "$(sql "SELECT count(*) FROM findings")"

st=$(ctl status --format json)
expect_eq "status: workers" 2 "$(echo "$st" | jq .workers.count)"
expect_eq "status: database" up "$(echo "$st" | jq -r .database.state)"
expect_eq "status: nothing pending" 0 "$(echo "$st" | jq '.batches.pending // 0')"

# PROCUREMENT_BYPASS judges a contract's line by the contract's in-scope lines
# over all ledgers of the org, each payment once as the rules read it: two
# monthly exports, each installment under emall_floor, 110,000.00 together (the
# budget twins of 平行记账 not counted again); and equipment booked to 1601 固定
# 资产, whose budget lines are the ones read, 120,000.00 together
hdr="单位名称,凭证日期,凭证号,分录号,摘要,科目编码,经济分类科目,借方金额,贷方金额,采购方式,合同编号,附件数"
{
    echo "$hdr"
    echo "合同测试局,2022-01-10,记-1,1,物业费一期,5001,30209,60000.00,,,HT-2022-01,3"
    echo "合同测试局,2022-01-10,记-1,2,物业费一期,7201,30209,60000.00,,,HT-2022-01,3"
    echo "合同测试局,2022-01-10,记-1,3,物业费一期,1011,,,60000.00,,,3"
    echo "合同测试局,2022-01-10,记-1,4,物业费一期,8001,,,60000.00,,,3"
    echo "合同测试局,2022-01-20,记-2,1,采购服务器一期,1601,,60000.00,,,SB-2022-07,3"
    echo "合同测试局,2022-01-20,记-2,2,采购服务器一期,7201,31002,60000.00,,,SB-2022-07,3"
    echo "合同测试局,2022-01-20,记-2,3,采购服务器一期,1011,,,60000.00,,,3"
    echo "合同测试局,2022-01-20,记-2,4,采购服务器一期,8001,,,60000.00,,,3"
} >"$state/contract-jan.csv"
{
    echo "$hdr"
    echo "合同测试局,2022-02-10,记-1,1,物业费二期,5001,30209,50000.00,,,HT-2022-01,3"
    echo "合同测试局,2022-02-10,记-1,2,物业费二期,7201,30209,50000.00,,,HT-2022-01,3"
    echo "合同测试局,2022-02-10,记-1,3,物业费二期,1011,,,50000.00,,,3"
    echo "合同测试局,2022-02-10,记-1,4,物业费二期,8001,,,50000.00,,,3"
    echo "合同测试局,2022-02-20,记-2,1,采购服务器二期,1601,,60000.00,,,SB-2022-07,3"
    echo "合同测试局,2022-02-20,记-2,2,采购服务器二期,7201,31002,60000.00,,,SB-2022-07,3"
    echo "合同测试局,2022-02-20,记-2,3,采购服务器二期,1011,,,60000.00,,,3"
    echo "合同测试局,2022-02-20,记-2,4,采购服务器二期,8001,,,60000.00,,,3"
} >"$state/contract-feb.csv"
ctl ingest --wait "$state/contract-jan.csv" >/dev/null
ctl ingest --wait "$state/contract-feb.csv" >/dev/null
pb=$(ctl flags --org 合同测试局 --rule PROCUREMENT_BYPASS --from 2022-02-01 --format json)
expect_eq "installments are judged by the contract's total" \
    '[["记-1",1,"contract","110000.00","50000.00"],["记-2",2,"contract","120000.00","60000.00"]]' \
    "$(echo "$pb" | jq -c '[.[] | [.voucher, .line_no, .evidence.basis, .evidence.contract_total, .evidence.line_amount]]')"
# January's installments were judged before February came: they are judged
# again by the total February completes (and ingest --wait waited for that)
pb=$(ctl flags --org 合同测试局 --rule PROCUREMENT_BYPASS --to 2022-01-31 --format json)
expect_eq "earlier installments judged again by the new total" \
    '[["记-1",1,"contract","110000.00","60000.00"],["记-2",2,"contract","120000.00","60000.00"]]' \
    "$(echo "$pb" | jq -c '[.[] | [.voucher, .line_no, .evidence.basis, .evidence.contract_total, .evidence.line_amount]]')"
