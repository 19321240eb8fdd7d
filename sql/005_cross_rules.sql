-- 005_cross_rules.sql: who reviewed a voucher (审核人), for PREPARER_IS_REVIEWER.
ALTER TABLE lines ADD COLUMN reviewer text;
