-- 001_schema.sql: ledgers, their voucher lines, the batches that carry them
-- to workers, and the findings that come back.
--
-- Every table carries org_id, and fiscal_year and period where they apply, and
-- every unique key includes them: row-level security (by org) and declarative
-- partitioning (by fiscal year and period) build on that later.
-- Money is bigint fen. Blank cells are NULL.

CREATE TABLE orgs (
    org_id      serial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One file as received. A second file for the same org and periods is, for
-- now, a separate ledger (superseding comes with the auditor's workflow).
CREATE TABLE ledgers (
    ledger_id    bigserial PRIMARY KEY,
    org_id       int NOT NULL REFERENCES orgs,
    file_name    text NOT NULL,
    sha256       text NOT NULL,
    fiscal_year  smallint NOT NULL,
    period_from  smallint NOT NULL,
    period_to    smallint NOT NULL,
    lines        int NOT NULL DEFAULT 0,
    vouchers     int NOT NULL DEFAULT 0,
    dropped      int NOT NULL DEFAULT 0,
    batches      int NOT NULL DEFAULT 0,
    columns      text[] NOT NULL DEFAULT '{}',   -- canonical fields the header mapped
    stored_at    timestamptz NOT NULL DEFAULT now(),
    analysed_at  timestamptz,                    -- when its last batch came back
    UNIQUE (org_id, sha256)
);
CREATE INDEX ledgers_sha256 ON ledgers (sha256);

CREATE TABLE lines (
    ledger_id          bigint NOT NULL REFERENCES ledgers,
    seq                int NOT NULL,              -- file order within the ledger
    org_id             int NOT NULL,
    fiscal_year        smallint NOT NULL,
    period             smallint NOT NULL CHECK (period BETWEEN 1 AND 16),
    file_line          int NOT NULL,
    voucher_date       date NOT NULL,
    voucher_word       text NOT NULL,             -- '' when the file has none
    voucher_no         int NOT NULL,
    voucher_raw        text,
    line_no            int NOT NULL,              -- 1-based within the voucher
    src_line_no        text,
    summary            text,
    account_code       text,
    account_name       text,
    func_code          text,
    econ_code          text,
    debit              bigint NOT NULL,
    credit             bigint NOT NULL,
    indicator          text,
    department         text,
    project            text,
    claimant           text,
    payee              text,
    payee_account      text,
    payment_method     text,
    procurement_method text,
    contract_no        text,
    invoice_no         text,
    business_date      date,
    approval_date      date,
    document_dates     text,                      -- 'YYYY-MM-DD;YYYY-MM-DD'
    attachments        int,
    preparer           text,
    extra              jsonb,                     -- columns that map to no field
    PRIMARY KEY (ledger_id, seq, org_id, fiscal_year, period)
);
CREATE INDEX lines_voucher ON lines (org_id, fiscal_year, period, voucher_word, voucher_no);
CREATE INDEX lines_contract ON lines (org_id, contract_no) WHERE contract_no IS NOT NULL;

-- Vouchers are derived from their lines in the transaction that stores them.
CREATE TABLE vouchers (
    org_id       int NOT NULL,
    fiscal_year  smallint NOT NULL,
    period       smallint NOT NULL,
    voucher_word text NOT NULL,
    voucher_no   int NOT NULL,
    ledger_id    bigint NOT NULL REFERENCES ledgers,
    voucher_date date NOT NULL,
    voucher_raw  text,
    lines        int NOT NULL,
    debit        bigint NOT NULL,
    credit       bigint NOT NULL,
    attachments  int,                             -- the largest its lines carry; NULL unknown
    first_seq    int NOT NULL,
    PRIMARY KEY (org_id, fiscal_year, period, voucher_word, voucher_no, ledger_id)
);
CREATE INDEX vouchers_ledger ON vouchers (ledger_id);

-- Batch state machine: pending -> dispatched -> done. A dispatched batch not
-- answered within the deadline, or left over from before a restart, is sent
-- again; findings are idempotent, so that is safe.
CREATE TABLE batches (
    org_id        int NOT NULL,
    ledger_id     bigint NOT NULL REFERENCES ledgers,
    batch_no      int NOT NULL,
    first_seq     int NOT NULL,
    last_seq      int NOT NULL,
    lines         int NOT NULL,
    state         text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'dispatched', 'done')),
    attempts      int NOT NULL DEFAULT 0,
    dispatched_at timestamptz,
    done_at       timestamptz,
    findings      int NOT NULL DEFAULT 0,
    worker        text,
    PRIMARY KEY (org_id, ledger_id, batch_no)
);
CREATE INDEX batches_open ON batches (ledger_id, batch_no) WHERE state <> 'done';

CREATE TABLE findings (
    finding_id     bigserial,
    org_id         int NOT NULL,
    fiscal_year    smallint NOT NULL,
    period         smallint NOT NULL,
    ledger_id      bigint NOT NULL REFERENCES ledgers,
    seq            int NOT NULL,
    rule           text NOT NULL,
    rule_version   int NOT NULL,
    profile        text NOT NULL,
    policy_version text NOT NULL,
    severity       text NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
    amount         bigint NOT NULL,
    message        text NOT NULL,
    message_en     text NOT NULL,
    evidence       jsonb NOT NULL DEFAULT '{}',
    status         text NOT NULL DEFAULT 'open',
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, fiscal_year, period, finding_id),
    -- one finding per line per rule: redelivered batches change nothing
    UNIQUE (org_id, fiscal_year, period, ledger_id, seq, rule)
);
CREATE UNIQUE INDEX findings_id ON findings (finding_id);
CREATE INDEX findings_ledger ON findings (ledger_id, seq);
