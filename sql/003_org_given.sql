-- 003_org_given.sql: whether a ledger's unit came from `--org` rather than from
-- the file. The same bytes are the same ledger only for the same unit: a file
-- without a unit column handed in for two units is two ledgers.
ALTER TABLE ledgers ADD COLUMN org_given boolean NOT NULL DEFAULT false;
