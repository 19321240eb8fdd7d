-- 014: the voucher rules (UNBALANCED_VOUCHER, PREPARER_IS_REVIEWER) run once
-- per ledger. They run in the transaction that stores the file; the rules
-- across ledgers ran them again when the ledger was analysed, finding nothing
-- new, at the cost of a second pass over every voucher (about 9 s for 200,000
-- lines). Now that pass runs only for a ledger whose voucher rules did not
-- run as it was stored (stored before 005, without a policy for them, or
-- with their error).
ALTER TABLE ledgers ADD COLUMN voucher_rules_at timestamptz;
UPDATE ledgers SET voucher_rules_at = cross_checked_at WHERE cross_checked_at IS NOT NULL;

CREATE OR REPLACE FUNCTION vouch_xr_ledger_done(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    n bigint := 0;
BEGIN
    IF (SELECT voucher_rules_at FROM ledgers WHERE ledger_id = p_ledger) IS NULL THEN
        n := vouch_xr_voucher_rules(p_ledger, p);
        UPDATE ledgers SET voucher_rules_at = now() WHERE ledger_id = p_ledger;
    END IF;
    n := n + vouch_xr_split_purchase(p_ledger, p)
           + vouch_xr_duplicate_payment(p_ledger, p)
           + vouch_xr_sequence_gap(p_ledger, p);
    UPDATE ledgers SET cross_checked_at = now() WHERE ledger_id = p_ledger;
    RETURN n;
END $$;
