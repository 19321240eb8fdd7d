#!/usr/bin/env bash
# The seed case as JSON Lines (the shape 费控 and e-voucher systems export):
# all 22 findings of expected.json (the CSV's 21 and the unsigned e-mall
# contract only documents[] can show), the voucher's documents kept and shown, the
# shape told by content (a .csv name on JSON Lines bytes), refusals that name
# the line and the field's path with nothing stored.
. "$(dirname "$0")/lib.sh"
stack_up --workers 2
jsonl=$fixtures/seed-case/ledger-2022.jsonl

out=$(ctl ingest --wait --format json "$jsonl")
expect_eq "accepted" accepted "$(echo "$out" | jq -r .status)"
expect_eq "lines" 200 "$(echo "$out" | jq .lines)"
expect_eq "vouchers" 97 "$(echo "$out" | jq .vouchers)"
expect_eq "findings" 22 "$(echo "$out" | jq .findings)"
ledger=$(echo "$out" | jq .ledger_id)
want=$(jq -c '[.findings[] | [.voucher_date, .voucher, .line_no, .rule]] | sort' "$fixtures/seed-case/expected.json")
got=$(ctl flags --format json | jq -c '[.[] | [.voucher_date, .voucher, .line_no, .rule]] | sort')
[ "$want" = "$got" ] || { echo "want $want"; echo "got  $got"; fail "JSON Lines findings differ from expected.json"; }
ok "the 22 findings of expected.json, and nothing else"

# MISSING_DOCUMENT: exactly one, on 记-11 line 1, naming what is unsigned
md=$(ctl flags --rule MISSING_DOCUMENT --format json)
expect_eq "MISSING_DOCUMENT: one finding" 1 "$(echo "$md" | jq length)"
expect_eq "MISSING_DOCUMENT: voucher, line, rule" '["2022-02-23","记-11",1,"MISSING_DOCUMENT","medium"]' \
    "$(echo "$md" | jq -c '.[0] | [.voucher_date, .voucher, .line_no, .rule, .severity]')"
expect_eq "MISSING_DOCUMENT: message" "付款凭证（贷记1011零余额账户用款额度）：合同DZMC-2022-0131未签署；验收单未签署" \
    "$(echo "$md" | jq -r '.[0].message')"
expect_eq "MISSING_DOCUMENT: the unsigned documents" '[["合同","DZMC-2022-0131",["unsigned"]],["验收单",null,["unsigned"]]]' \
    "$(echo "$md" | jq -c '[.[0].evidence.documents[] | [.kind, .number, .problems]]')"
expect_eq "MISSING_DOCUMENT: attachments and payment account" '[5,["1011"]]' \
    "$(echo "$md" | jq -c '.[0].evidence | [.attachments, [.payment_accounts[].account_code]]')"
expect_eq "format recorded" jsonl "$(sql "SELECT format FROM ledgers WHERE ledger_id = $ledger")"

# documents: kept on the voucher, shown with it, counted by STALE_DOCUMENT
docs=$(ctl show --format json --ledger "$ledger" --period 2022-02 --voucher 记-11 | jq -c .documents)
expect_eq "记-11 documents" '[{"date":"2022-02-14","kind":"合同","number":"DZMC-2022-0131","signed":false},{"date":"2022-02-16","kind":"验收单","number":null,"signed":false},{"date":"2022-02-15","kind":"发票","number":null,"signed":true}]' "$docs"
ctl show --ledger "$ledger" --period 2022-02 --voucher 记-11 | grep -q "合同  DZMC-2022-0131  2022-02-14  NOT SIGNED" || fail "show prints unsigned documents"
ok "show prints the unsigned contract"
expect_eq "vouchers with documents" 97 "$(sql "SELECT count(*) FROM vouchers WHERE ledger_id = $ledger AND documents IS NOT NULL")"
sources=$(ctl flags --rule STALE_DOCUMENT --format json | jq -c '[.[0].evidence.stale_documents[].source] | unique')
expect_eq "STALE_DOCUMENT cites the delivery notes" '["document_dates","送货单"]' "$sources"

# the shape comes from the bytes: JSON Lines named .csv is read as JSON Lines
sed 's/永州市人力资源和社会保障局/永州市改名局/' "$jsonl" >"$state/named-wrong.csv"
expect_eq "JSON Lines under a .csv name" 22 "$(ctl ingest --wait --format json "$state/named-wrong.csv" | jq .findings)"

# a bad amount in the 40th voucher: refused, named, nothing stored
before=$(sql "SELECT count(*) FROM lines")
sed '40s/"debit": "[0-9.]*"/"debit": "12,3a4.00"/' "$jsonl" | sed 's/永州市人力资源和社会保障局/永州市坏文件局/' >"$state/bad.jsonl"
set +e
ctl ingest "$state/bad.jsonl" 2>"$state/err"; rc=$?
set -e
expect_eq "refused exits 1" 1 $rc
grep -qF 'bad.jsonl:40: column lines[0].debit: "12,3a4.00" is not an amount' "$state/err" || { cat "$state/err"; fail "names line and field"; }
ok "the error names line 40 and lines[0].debit"
expect_eq "nothing stored" "$before" "$(sql "SELECT count(*) FROM lines")"
