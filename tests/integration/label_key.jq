# label_key.jq: what a finding of vouch (flags --format json) and a planted
# finding of vouch-gen (its labels and decoys) are compared on: rule, unit,
# voucher date, voucher and line; the rules about a whole voucher on the
# voucher, whichever lines they name (SEQUENCE_GAP is labelled on the voucher
# that follows the gap). jq -L tests/integration, then: include "label_key";
def voucher_level: ["UNBALANCED_VOUCHER", "SEQUENCE_GAP", "PREPARER_IS_REVIEWER"];

def label_key: . as $x
  | if (voucher_level | index($x.rule)) != null then [$x.rule, $x.org, $x.voucher_date, $x.voucher]
    else [$x.rule, $x.org, $x.voucher_date, $x.voucher, $x.line_no] end
  | tostring;
