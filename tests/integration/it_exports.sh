#!/usr/bin/env bash
# Real-world exports through vouchd: each fixture of tests/fixtures/csv and
# tests/fixtures/excel is stored whole, with the lines, amounts and unit its
# author put in it (make-fixtures.sh, make-fixtures.pl); the seed case re-saved
# by Excel (BOM, UTF-16LE tab text) finds what the plain seed finds; each
# broken fixture is refused with its line and column and leaves the database
# as it was; the limits in vouch.conf refuse with the same clarity.
. "$(dirname "$0")/lib.sh"
stack_up --workers 1
csv=$fixtures/csv
xl=$fixtures/excel
expected=$fixtures/seed-case/expected.json

# ingest FILE [--org ORG]: stored and analysed; prints the JSON answer
ingest() {
    local f=$1
    shift
    ctl ingest --wait --format json "$@" "$f"
}

# the database's own count of what a ledger holds: lines, vouchers, debits,
# credits (fen) and its unit
ledger_facts() {
    sql "SELECT count(*), count(DISTINCT (x.period, x.voucher_word, x.voucher_no)),
                sum(x.debit), sum(x.credit), max(o.name)
         FROM lines x JOIN ledgers l USING (ledger_id) JOIN orgs o ON o.org_id = l.org_id
         WHERE x.ledger_id = $1" | tr '|' ' '
}

# FILE UNIT FROM LINES VOUCHERS DEBIT(fen) FORMAT: what each fixture holds;
# FROM is where the unit comes from: the file (a unit column or title row), or
# --org for the exports that name none
while read -r file org from lines vouchers debit format; do
    [ -n "$file" ] || continue
    args=()
    [ "$from" = file ] || args=(--org "$org")
    out=$(ingest "$file" "${args[@]}")
    expect_eq "$(basename "$file"): accepted" accepted "$(echo "$out" | jq -r .status)"
    id=$(echo "$out" | jq .ledger_id)
    read -r n nv d c unit <<<"$(ledger_facts "$id")"
    expect_eq "$(basename "$file"): lines" "$lines" "$n"
    expect_eq "$(basename "$file"): vouchers" "$vouchers" "$nv"
    expect_eq "$(basename "$file"): debits" "$debit" "$d"
    expect_eq "$(basename "$file"): balanced" "$d" "$c"
    expect_eq "$(basename "$file"): unit" "$org" "$unit"
    expect_eq "$(basename "$file"): format" "$format" "$(sql "SELECT format FROM ledgers WHERE ledger_id = $id")"
done <<EOF
$csv/u8-import.csv 用友U8单位 --org 17 8 2943082 csv
$csv/nc-voucher-detail-2022.csv 永州市人力资源和社会保障局-基本账簿 file 16 8 15488300 csv
$csv/k3-voucher.txt 金蝶K3单位 --org 15 7 2991082 csv
$csv/eas-voucher.csv 永州市人力资源和社会保障局 file 13 6 1969650 csv
$csv/xushizhang-gb18030.csv 序时账单位 --org 15 6 3131082 csv
$xl/nc-zhcx.xlsx 永州市人力资源和社会保障局 file 20 8 254919310 xlsx
$xl/nc-zhcx.xls 永州市人力资源和社会保障局 file 20 8 254919310 xls
$xl/nc-zhcx-inline.xlsx 永州市人力资源和社会保障局 file 20 8 254919310 xlsx
EOF

# an .xlsx saved under an .xls name is read by its bytes: the same workbook
# as nc-zhcx.xlsx, so a duplicate of that ledger
out=$(ingest "$xl/nc-zhcx-xlsx-bytes.xls")
expect_eq "xlsx bytes named .xls: a duplicate of nc-zhcx.xlsx" \
    "duplicate $(sql "SELECT ledger_id FROM ledgers WHERE file_name = 'nc-zhcx.xlsx'")" \
    "$(echo "$out" | jq -r '"\(.status) \(.ledger_id)"')"
expect_eq "xlsx bytes named .xls: read as xlsx" xlsx \
    "$(env -u VOUCH_HOME "$VOUCH_BIN/vouchctl" check --format json "$xl/nc-zhcx-xlsx-bytes.xls" | jq -r .shape)"

# the .xlsx: serial dates, " 12" voucher numbers and paired 类型－代码 /
# 类型－名称 columns land as the fields they are
id=$(sql "SELECT ledger_id FROM ledgers WHERE file_name = 'nc-zhcx.xlsx'")
expect_eq "xlsx: serial dates are dates" "2022-01-03 2022-12-21" \
    "$(sql "SELECT min(voucher_date) || ' ' || max(voucher_date) FROM lines WHERE ledger_id = $id")"
expect_eq "xlsx: no voucher number is 0" 0 "$(sql "SELECT count(*) FROM lines WHERE ledger_id = $id AND voucher_no <= 0")"
expect_eq "xlsx: the name column fills the claimant, never the code" 0 \
    "$(sql "SELECT count(*) FROM lines WHERE ledger_id = $id AND claimant ~ '^[0-9]+$'")"
expect_eq "xlsx: econ codes from 经济分类－代码" 0 \
    "$(sql "SELECT count(*) FROM lines WHERE ledger_id = $id AND debit > 0 AND account_code LIKE '5%' AND econ_code !~ '^3[0-9]{4}$'")"

# the seed case as Excel re-saves it finds exactly the seed's findings. The
# fixtures share the seed's unit, and EAS's 记-1 pays 恒安物业 what the seed's
# 记-3 pays four days later: the rules across ledgers rightly see a duplicate
# there (it_cross_rules.sh tests them); here only what each file shows alone
want=$(jq -c '[.findings[] | select(.rule != "MISSING_DOCUMENT") | [.voucher_date, .voucher, .line_no, .rule]] | sort' "$expected")
for f in seed-utf8-bom.csv seed-utf16le.txt; do
    out=$(ingest "$csv/$f")
    expect_eq "$f: 200 lines" 200 "$(echo "$out" | jq .lines)"
    got=$(ctl flags --ledger "$(echo "$out" | jq .ledger_id)" --format json | jq -c '[.[] | select(.rule != "SPLIT_PURCHASE" and .rule != "DUPLICATE_PAYMENT") | [.voucher_date, .voucher, .line_no, .rule]] | sort')
    expect_eq "$f: the seed's findings" "$want" "$got"
done

# broken fixtures: refused with line, column and reason; nothing stored; moved
# to rejected/ with a .error
snapshot() { sql "SELECT (SELECT count(*) FROM ledgers), (SELECT count(*) FROM lines), (SELECT count(*) FROM findings), (SELECT count(*) FROM batches)"; }
before=$(snapshot)
refused() { # FILE EXPECTED-MESSAGE
    local f=$1 want=$2 rc=0
    ctl ingest --org 坏文件单位 "$f" >/dev/null 2>"$state/err" || rc=$?
    expect_eq "$(basename "$f"): exit 1" 1 $rc
    grep -qF "$want" "$state/err" || fail "$(basename "$f"): expected [$want], got [$(cat "$state/err")]"
    ok "$(basename "$f"): $want"
    [ -f "$state/spool/rejected/$(basename "$f").error" ] || fail "$(basename "$f"): no .error in rejected/"
    grep -qF "$want" "$state/spool/rejected/$(basename "$f").error" || fail "$(basename "$f"): .error says why"
}
refused "$csv/bad-amount.csv" 'bad-amount.csv:5: column 贷方金额: "12,3a4.00" is not an amount'
refused "$csv/bad-date.csv" 'bad-date.csv:6: column 凭证日期: "2022-02-30" is not a date'
refused "$csv/bad-quote.csv" 'bad-quote.csv:3: column 摘要: unterminated quoted field'
refused "$csv/bad-utf8.csv" 'bad-utf8.csv:6: column 摘要: not UTF-8 text (bytes b0 ec b9 ab)'
refused "$csv/bad-gb18030.csv" 'bad-gb18030.csv:4: column 摘要: not GB18030 text (bytes 81 20 78 2c)'
refused "$csv/bad-missing-column.csv" 'bad-missing-column.csv:2: no voucher number column (凭证号)'
refused "$xl/broken/not-number.xlsx" 'not-number.xlsx:2: column D: "12,3a4" is not a number'
refused "$xl/broken/bad-sst-index.xlsx" 'bad-sst-index.xlsx:3: column C: shared string 999 is not in the table'
refused "$xl/broken/truncated.xlsx" 'truncated.xlsx: not an xlsx workbook'
refused "$xl/broken/garbage.xls" 'garbage.xls: not an xls workbook'
expect_eq "the broken files stored nothing" "$before" "$(snapshot)"

# the limits are vouch.conf's: a 64-byte field limit refuses the oversize
# fixture (under the default 64 KiB it reads), a 5-line limit a longer file
"$VOUCH_SOURCE/deploy/stack.sh" down "$state" >/dev/null
printf 'max_field_bytes = 64\nmax_lines = 5\n' >>"$state/vouch.conf"
stack_up --workers 1
before=$(snapshot)
refused "$csv/bad-oversize.csv" 'bad-oversize.csv:4: column 摘要: field longer than 64 bytes'
printf '\n' | cat "$csv/eas-voucher.csv" - >"$state/eas-longer.csv" # new bytes, same lines
refused "$state/eas-longer.csv" 'more than 5 lines'
expect_eq "the limits stored nothing" "$before" "$(snapshot)"
