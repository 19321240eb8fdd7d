-- 004_failed_batches.sql: a batch no worker answers after max_attempts
-- dispatches, or that a worker reports it cannot read, is parked as 'failed'
-- with the reason, instead of being sent round forever. Its ledger counts as
-- analysed (with failures) once nothing of it is pending or out.
ALTER TABLE batches DROP CONSTRAINT batches_state_check;
ALTER TABLE batches ADD CONSTRAINT batches_state_check
    CHECK (state IN ('pending', 'dispatched', 'done', 'failed'));
ALTER TABLE batches ADD COLUMN last_error text;
