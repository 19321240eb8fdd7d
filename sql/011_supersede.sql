-- 011: a re-export supersedes the ledger it replaces.
--
-- A finance office sends the same unit's same periods again after
-- corrections: a file of the same unit, fiscal year and periods that holds
-- at least half of the earlier ledger's vouchers is its re-export. The new
-- ledger's lines are stored beside the old ones; the old ledger is marked
-- superseded_by the new one (in the transaction that stores the new file)
-- and from then on no rule reads it: the rules across vouchers and ledgers,
-- contract totals and 三公 read the new copy only. The old ledger stays,
-- queryable as it was.
--
-- Once the new ledger is analysed, vouch_supersede_reconcile() carries the
-- auditors' work over, finding by finding of the old ledger (in the
-- transaction that records the rules across ledgers as done):
--   - its line is in the new ledger unchanged (the same voucher, the same
--     content) and the rule finds it again: the finding moves to the new
--     line, keeping its id, status, assignee and history;
--   - its line changed (the same voucher and line number, other content) and
--     the rule finds it again: it moves and reopens, to be looked at again,
--     even where a suppression (010) would cover it;
--   - its line is gone, or the rule no longer finds it: it closes as
--     superseded.
-- Each change is a row of its history. The new ledger's own copy of a
-- finding that moves is deleted; if a suppression (010) had already covered
-- that copy, the copy's row of history stays behind, naming an id no finding
-- has.

ALTER TABLE ledgers ADD COLUMN supersedes bigint REFERENCES ledgers;
ALTER TABLE ledgers ADD COLUMN superseded_by bigint REFERENCES ledgers;
ALTER TABLE ledgers ADD COLUMN reconciled_at timestamptz;
CREATE INDEX ledgers_periods ON ledgers (org_id, fiscal_year, period_from, period_to)
    WHERE superseded_by IS NULL;

CREATE FUNCTION vouch_superseded(p_ledger bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM ledgers WHERE ledger_id = p_ledger AND superseded_by IS NOT NULL)
$$;

-- Mark the ledger p_new supersedes, if any: the latest other ledger of the
-- same unit, fiscal year and periods that nothing supersedes yet, provided
-- the new one holds at least half of its vouchers. A file of the same month
-- holding other vouchers (a late supplement) supersedes nothing: both
-- ledgers stand. Returns the superseded ledger's id, or NULL.
CREATE FUNCTION vouch_supersede_mark(p_new bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n ledgers%ROWTYPE;
    v_old bigint;
    total bigint;
    shared bigint;
BEGIN
    SELECT * INTO n FROM ledgers WHERE ledger_id = p_new;
    SELECT g.ledger_id INTO v_old FROM ledgers g
    WHERE g.org_id = n.org_id AND g.fiscal_year = n.fiscal_year
      AND g.period_from = n.period_from AND g.period_to = n.period_to
      AND g.ledger_id < p_new AND g.superseded_by IS NULL
    ORDER BY g.ledger_id DESC LIMIT 1
    FOR UPDATE;
    IF v_old IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT count(*), count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM vouchers w
               WHERE w.ledger_id = p_new AND w.org_id = v.org_id
                 AND w.fiscal_year = v.fiscal_year AND w.period = v.period
                 AND w.voucher_no = v.voucher_no
                 AND (w.voucher_word = v.voucher_word OR w.voucher_word = ''
                      OR v.voucher_word = '')))
    INTO total, shared
    FROM vouchers v WHERE v.ledger_id = v_old;
    IF shared * 2 < total OR total = 0 THEN
        RETURN NULL;
    END IF;
    UPDATE ledgers SET superseded_by = p_new WHERE ledger_id = v_old;
    UPDATE ledgers SET supersedes = v_old WHERE ledger_id = p_new;
    RETURN v_old;
END $$;

-- Carry the findings of the ledger p_new supersedes over to it (see the top
-- of this file). Once per ledger; returns how many findings of the old
-- ledger it settled.
CREATE FUNCTION vouch_supersede_reconcile(p_new bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_old bigint;
    x record;
    nf findings%ROWTYPE;
    to_status text;
    n bigint := 0;
BEGIN
    SELECT supersedes INTO v_old FROM ledgers
    WHERE ledger_id = p_new AND reconciled_at IS NULL FOR UPDATE;
    IF v_old IS NULL THEN
        RETURN 0;
    END IF;
    FOR x IN
        WITH o AS (
            SELECT l.seq, l.fiscal_year, l.period, l.voucher_word, l.voucher_no, l.line_no,
                   vouch_line_content(l) AS h
            FROM lines l WHERE l.ledger_id = v_old
        ), nw AS (
            SELECT l.seq, l.fiscal_year, l.period, l.voucher_word, l.voucher_no, l.line_no,
                   vouch_line_content(l) AS h
            FROM lines l WHERE l.ledger_id = p_new
        ), ok AS (
            -- the k-th copy of a content in a voucher pairs with the k-th
            SELECT o.*, row_number() OVER (PARTITION BY fiscal_year, period, voucher_word,
                                           voucher_no, h ORDER BY line_no) AS k
            FROM o
        ), nk AS (
            SELECT nw.*, row_number() OVER (PARTITION BY fiscal_year, period, voucher_word,
                                            voucher_no, h ORDER BY line_no) AS k
            FROM nw
        ), same AS (
            SELECT ok.seq AS o_seq, nk.seq AS n_seq
            FROM ok JOIN nk USING (fiscal_year, period, voucher_word, voucher_no, h, k)
        ), changed AS (
            SELECT o.seq AS o_seq, nw.seq AS n_seq
            FROM o JOIN nw USING (fiscal_year, period, voucher_word, voucher_no, line_no)
            WHERE o.seq NOT IN (SELECT o_seq FROM same)
              AND nw.seq NOT IN (SELECT n_seq FROM same)
        ), m AS (
            SELECT o_seq, n_seq, 'unchanged' AS how FROM same
            UNION ALL
            SELECT o_seq, n_seq, 'changed' FROM changed
        )
        SELECT f.finding_id, f.org_id, f.status, coalesce(m.how, 'removed') AS how,
               g.finding_id AS new_id,
               -- an auditor's own review or assignment, not a suppression's
               EXISTS (SELECT 1 FROM reviews r WHERE r.finding_id = g.finding_id
                       AND r.to_status IN ('open', 'confirmed', 'dismissed'))
               OR EXISTS (SELECT 1 FROM assignments a WHERE a.finding_id = g.finding_id)
                   AS new_touched,
               (SELECT r.reason FROM reviews r WHERE r.finding_id = f.finding_id
                AND r.to_status = 'dismissed' ORDER BY r.review_id DESC LIMIT 1) AS reason
        FROM findings f
        LEFT JOIN m ON m.o_seq = f.seq
        LEFT JOIN findings g ON g.ledger_id = p_new AND g.seq = m.n_seq AND g.rule = f.rule
        WHERE f.ledger_id = v_old AND f.status <> 'superseded'
        ORDER BY f.finding_id
    LOOP
        n := n + 1;
        IF x.new_id IS NULL OR x.new_touched THEN
            UPDATE findings SET status = 'superseded' WHERE finding_id = x.finding_id;
            INSERT INTO reviews (finding_id, org_id, from_status, to_status, note)
            VALUES (x.finding_id, x.org_id, x.status, 'superseded',
                    CASE WHEN x.how = 'removed'
                         THEN format('ledger %s, a re-export of ledger %s, no longer holds the line',
                                     p_new, v_old)
                         WHEN x.new_id IS NULL
                         THEN format('the rule no longer finds it in ledger %s, a re-export of ledger %s (line %s)',
                                     p_new, v_old, x.how)
                         ELSE format('ledger %s, a re-export of ledger %s, has it as finding %s, reviewed already',
                                     p_new, v_old, x.new_id) END);
            CONTINUE;
        END IF;
        DELETE FROM findings WHERE finding_id = x.new_id RETURNING * INTO nf;
        to_status := CASE WHEN x.how = 'changed' THEN 'open' ELSE x.status END;
        UPDATE findings SET ledger_id = nf.ledger_id, seq = nf.seq, fiscal_year = nf.fiscal_year,
            period = nf.period, rule_version = nf.rule_version, profile = nf.profile,
            policy_version = nf.policy_version, severity = nf.severity, amount = nf.amount,
            message = nf.message, message_en = nf.message_en, evidence = nf.evidence,
            status = to_status,
            suppressed_by = CASE WHEN to_status = 'suppressed' THEN suppressed_by END
        WHERE finding_id = x.finding_id;
        IF x.how = 'changed' OR x.status <> 'open' THEN
            INSERT INTO reviews (finding_id, org_id, from_status, to_status, reason, note)
            VALUES (x.finding_id, x.org_id, x.status, to_status,
                    CASE WHEN to_status = 'dismissed' THEN x.reason END,
                    CASE WHEN x.how = 'changed'
                         THEN format('the line changed in ledger %s, a re-export of ledger %s: to be looked at again',
                                     p_new, v_old)
                         ELSE format('carried to ledger %s, a re-export of ledger %s: the line is unchanged',
                                     p_new, v_old) END);
        END IF;
    END LOOP;
    UPDATE ledgers SET reconciled_at = now() WHERE ledger_id = p_new;
    RETURN n;
END $$;

-- The rules across vouchers and ledgers (005) read no superseded ledger.
CREATE OR REPLACE FUNCTION vouch_xr_expense_lines(p_org int, p jsonb, d_from date, d_to date,
                                       payees text[])
RETURNS TABLE (ledger_id bigint, seq int, fiscal_year smallint, period smallint,
               voucher_word text, voucher_no int, voucher_date date, line_no int, econ text,
               debit bigint, summary text, payee text, invoice_no text, contract_no text,
               procurement_method text, columns text[])
    LANGUAGE sql STABLE AS $$
    WITH pays AS (
        SELECT DISTINCT l.ledger_id, l.fiscal_year, l.period, l.voucher_word, l.voucher_no
        FROM lines l
        WHERE payees IS NOT NULL AND l.org_id = p_org AND l.debit > 0
          AND NOT vouch_superseded(l.ledger_id)
          AND (d_from IS NULL OR l.voucher_date >= d_from)
          AND (d_to IS NULL OR l.voucher_date <= d_to)
          AND vouch_fold(l.payee) = ANY (payees)
    ), l AS (
        SELECT l.*, vouch_digits(l.account_code) AS acct, vouch_digits(l.econ_code) AS econ
        FROM lines l
        WHERE l.org_id = p_org AND l.debit > 0
          AND NOT vouch_superseded(l.ledger_id)
          AND (d_from IS NULL OR l.voucher_date >= d_from)
          AND (d_to IS NULL OR l.voucher_date <= d_to)
          AND (payees IS NULL OR (l.ledger_id, l.fiscal_year, l.period, l.voucher_word,
                                  l.voucher_no) IN (SELECT * FROM pays))
          AND NOT EXISTS (
              SELECT 1 FROM vouchers v
              WHERE v.org_id = l.org_id AND v.fiscal_year = l.fiscal_year
                AND v.period = l.period AND v.voucher_no = l.voucher_no
                AND (v.voucher_word = l.voucher_word OR v.voucher_word = ''
                     OR l.voucher_word = '')
                AND v.ledger_id < l.ledger_id AND NOT vouch_superseded(v.ledger_id))
    ), e AS (
        -- account prefixes are digits (the policy checks): safe as LIKE patterns
        SELECT l.*,
               l.acct LIKE ANY (ARRAY(SELECT x || '%' FROM jsonb_array_elements_text(
                   p -> 'financial_expense') AS x)) AS fin,
               l.acct LIKE ANY (ARRAY(SELECT x || '%' FROM jsonb_array_elements_text(
                   p -> 'budget_expense') AS x)) AS bud
        FROM l
        WHERE l.econ <> '' AND l.acct <> ''
    ), t AS (
        -- the k-th budget line of a (code, amount) in a voucher pairs with the
        -- k-th financial one, as taking the first free twin in order does
        SELECT e.*,
               row_number() OVER (PARTITION BY e.ledger_id, e.fiscal_year, e.period,
                   e.voucher_word, e.voucher_no, e.econ, e.debit, e.fin ORDER BY e.seq) AS rn,
               count(*) FILTER (WHERE e.fin) OVER (PARTITION BY e.ledger_id, e.fiscal_year,
                   e.period, e.voucher_word, e.voucher_no, e.econ, e.debit) AS nfin
        FROM e
        WHERE e.fin OR e.bud
    )
    SELECT t.ledger_id, t.seq, t.fiscal_year, t.period, t.voucher_word, t.voucher_no,
           t.voucher_date, t.line_no, t.econ, t.debit, t.summary, t.payee, t.invoice_no,
           t.contract_no, t.procurement_method, g.columns
    FROM t JOIN ledgers g ON g.ledger_id = t.ledger_id
    WHERE t.fin OR t.rn > t.nfin
$$;

CREATE OR REPLACE FUNCTION vouch_xr_sequence_gap(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql SET enable_nestloop = off SET work_mem = '64MB' AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'SEQUENCE_GAP';
    v_org int := (SELECT org_id FROM ledgers WHERE ledger_id = p_ledger);
BEGIN
    IF NOT vouch_xr_runs(p_ledger, r) THEN
        RETURN 0;
    END IF;
    RETURN vouch_xr_store(p, 'SEQUENCE_GAP', ARRAY(
        WITH s AS (
            SELECT DISTINCT fiscal_year, period, voucher_word FROM vouchers
            WHERE ledger_id = p_ledger
        ), nums AS (
            SELECT v.fiscal_year, v.period, v.voucher_word, v.voucher_no,
                   min(v.ledger_id) AS ledger_id
            FROM vouchers v JOIN s ON s.fiscal_year = v.fiscal_year AND s.period = v.period
                AND s.voucher_word = v.voucher_word
            WHERE v.org_id = v_org AND NOT vouch_superseded(v.ledger_id)
            GROUP BY v.fiscal_year, v.period, v.voucher_word, v.voucher_no
        ), g AS (
            SELECT nums.*, lag(voucher_no) OVER (PARTITION BY fiscal_year, period, voucher_word
                                                 ORDER BY voucher_no) AS prev
            FROM nums
        ), gaps AS (
            SELECT g.*, coalesce(prev, 0) + 1 AS m_from, voucher_no - 1 AS m_to,
                   voucher_no - coalesce(prev, 0) - 1 AS n,
                   fiscal_year || '-' || lpad(period::text, 2, '0') AS period_label
            FROM g WHERE voucher_no - coalesce(prev, 0) > 1
        )
        SELECT ROW(vo.ledger_id, vo.first_seq, 0::bigint, 'default',
                   jsonb_build_object(
                       'voucher', vouch_voucher_label(gp.voucher_word, gp.voucher_no),
                       'period', gp.period_label, 'word', gp.voucher_word, 'count', gp.n,
                       'first_missing', vouch_voucher_label(gp.voucher_word, gp.m_from),
                       'last_missing', vouch_voucher_label(gp.voucher_word, gp.m_to),
                       'missing', vouch_voucher_label(gp.voucher_word, gp.m_from)
                           || CASE WHEN gp.n > 1 THEN '至' || vouch_voucher_label(
                                  gp.voucher_word, gp.m_to) ELSE '' END,
                       'missing_en', vouch_voucher_label(gp.voucher_word, gp.m_from)
                           || CASE WHEN gp.n > 1 THEN ' to ' || vouch_voucher_label(
                                  gp.voucher_word, gp.m_to) ELSE '' END),
                   jsonb_build_object(
                       'period', gp.period_label, 'word', gp.voucher_word,
                       'previous', CASE WHEN gp.prev IS NULL THEN NULL
                                        ELSE vouch_voucher_label(gp.voucher_word, gp.prev) END,
                       'missing_from', gp.m_from, 'missing_to', gp.m_to, 'count', gp.n,
                       -- every missing number, up to 100 of them
                       'missing', (SELECT jsonb_agg(vouch_voucher_label(gp.voucher_word, k)
                                                    ORDER BY k)
                                   FROM generate_series(gp.m_from, least(gp.m_to, gp.m_from + 99))
                                        AS k)))::vouch_xr_finding
        FROM gaps gp
        JOIN vouchers vo ON vo.org_id = v_org AND vo.ledger_id = gp.ledger_id
            AND vo.fiscal_year = gp.fiscal_year AND vo.period = gp.period
            AND vo.voucher_word = gp.voucher_word AND vo.voucher_no = gp.voucher_no));
END $$;
