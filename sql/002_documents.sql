-- 002_documents.sql: the documents a voucher carries (合同, 发票, 验收单...),
-- as JSON Lines exports give them: [{"kind", "number", "date", "signed"}].
-- They arrive on the voucher's first line (one COPY stream for a file) and are
-- lifted onto the voucher when it is derived. NULL: the export gave none.
ALTER TABLE lines ADD COLUMN documents jsonb;
ALTER TABLE vouchers ADD COLUMN documents jsonb;
ALTER TABLE ledgers ADD COLUMN format text NOT NULL DEFAULT 'csv';
