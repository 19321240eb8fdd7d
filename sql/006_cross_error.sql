-- 006: why the rules across vouchers and ledgers failed on a ledger, so that
-- `vouchctl ingest --wait` need not wait for a retry that may fail again
-- (vouchd keeps retrying; the error is cleared when they run).
ALTER TABLE ledgers ADD COLUMN cross_error text;
