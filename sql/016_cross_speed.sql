-- 016: the rules across ledgers read each line once (issue 9).
--
-- Measured on a unit's first ledger of 200,000 lines: 10 to 13 s, of which
-- vouch_xr_expense_lines took about 2 s and ran twice (SPLIT_PURCHASE and
-- DUPLICATE_PAYMENT each read it), its payee filter compared each line's
-- folded payee with every payee of the ledger in turn (an array of 2,000),
-- and vouch_superseded() ran a subquery for every line and voucher.
--
-- Now vouch_xr_ledger_done reads the expense lines once, with the folded
-- payee, into a temporary table (vouch_xr_x) that both rules read;
-- SPLIT_PURCHASE takes its dates from it, where it asked for them before: a
-- voucher whose lines carry different dates is paired over all its lines.
-- Superseded ledgers are left out by a join, payees matched by a hash, and
-- codes by LIKE on the trimmed code (015's vouch_like_prefixes).

-- The payees (folded) of a ledger's debits, folding each name once rather
-- than each line (a name is paid many times).
CREATE OR REPLACE FUNCTION vouch_xr_payees(p_ledger bigint) RETURNS text[]
    LANGUAGE sql STABLE
    RETURN ARRAY(SELECT DISTINCT f FROM (
                     SELECT vouch_fold(d.payee) AS f FROM (
                         SELECT DISTINCT payee FROM lines
                         WHERE ledger_id = p_ledger AND debit > 0 AND payee IS NOT NULL) d) x
                 WHERE f <> '');

CREATE OR REPLACE FUNCTION vouch_xr_expense_lines(p_org int, p jsonb, d_from date, d_to date,
                                                  payees text[])
RETURNS TABLE (ledger_id bigint, seq int, fiscal_year smallint, period smallint,
               voucher_word text, voucher_no int, voucher_date date, line_no int, econ text,
               debit bigint, summary text, payee text, invoice_no text, contract_no text,
               procurement_method text, columns text[])
    LANGUAGE sql STABLE AS $$
    WITH live AS (
        SELECT g.ledger_id, g.columns FROM ledgers g
        WHERE g.org_id = p_org AND g.superseded_by IS NULL
    ), pays AS (
        SELECT DISTINCT l.ledger_id, l.fiscal_year, l.period, l.voucher_word, l.voucher_no
        FROM lines l
        WHERE payees IS NOT NULL AND l.org_id = p_org AND l.debit > 0
          AND l.ledger_id IN (SELECT live.ledger_id FROM live)
          AND (d_from IS NULL OR l.voucher_date >= d_from)
          AND (d_to IS NULL OR l.voucher_date <= d_to)
          -- the names as written that fold to one of payees, each folded once
          AND l.payee IN (SELECT d.payee FROM (
                  SELECT DISTINCT n.payee FROM lines n
                  WHERE n.org_id = p_org AND n.debit > 0 AND n.payee IS NOT NULL) d
              WHERE vouch_fold(d.payee) IN (SELECT unnest(payees)))
    ), l AS (
        -- what the rules read, and no more: these rows are sorted, and with
        -- the ledger's columns (an array of names) on each they were sorted on
        -- disk (300 MB at 1,000,000 lines)
        SELECT l.ledger_id, l.seq, l.fiscal_year, l.period, l.voucher_word, l.voucher_no,
               l.voucher_date, l.line_no, l.econ_code, l.account_code, l.debit, l.summary,
               l.payee, l.invoice_no, l.contract_no, l.procurement_method
        FROM lines l JOIN live ON live.ledger_id = l.ledger_id
        WHERE l.org_id = p_org AND l.debit > 0
          AND (d_from IS NULL OR l.voucher_date >= d_from)
          AND (d_to IS NULL OR l.voucher_date <= d_to)
          -- vouch_digits(econ_code) <> ''
          AND ascii(ltrim(l.econ_code)) BETWEEN 48 AND 57
          AND (payees IS NULL OR (l.ledger_id, l.fiscal_year, l.period, l.voucher_word,
                                  l.voucher_no) IN (SELECT * FROM pays))
          AND NOT EXISTS (
              SELECT 1 FROM vouchers v
              WHERE v.org_id = l.org_id AND v.fiscal_year = l.fiscal_year
                AND v.period = l.period AND v.voucher_no = l.voucher_no
                AND (v.voucher_word = l.voucher_word OR v.voucher_word = ''
                     OR l.voucher_word = '')
                AND v.ledger_id < l.ledger_id
                AND v.ledger_id IN (SELECT live.ledger_id FROM live))
    ), e AS (
        -- a line of neither list is no expense line (an account with no
        -- digits is in neither)
        SELECT l.*, vouch_digits(l.econ_code) AS econ,
               ltrim(l.account_code) LIKE ANY (vouch_like_prefixes(p -> 'financial_expense'))
                   AS fin,
               ltrim(l.account_code) LIKE ANY (vouch_like_prefixes(p -> 'budget_expense'))
                   AS bud
        FROM l
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
           t.contract_no, t.procurement_method, live.columns
    FROM t JOIN live ON live.ledger_id = t.ledger_id
    WHERE t.fin OR t.rn > t.nfin
$$;

-- SPLIT_PURCHASE as 005 has it, over vouch_xr_x
CREATE OR REPLACE FUNCTION vouch_xr_split_purchase(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql SET enable_nestloop = off SET work_mem = '64MB' AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'SPLIT_PURCHASE';
    w int := (r ->> 'window_days')::int;
    span interval := make_interval(days => (r ->> 'window_days')::int);
    fl bigint := (p ->> 'emall_floor')::bigint;
    scope text[] := vouch_like_prefixes(p -> 'scope');
    v_org int;
    lo date;
    hi date;
BEGIN
    IF NOT vouch_xr_runs(p_ledger, r) THEN
        RETURN 0;
    END IF;
    SELECT g.org_id, min(l.voucher_date), max(l.voucher_date) INTO v_org, lo, hi
    FROM ledgers g JOIN lines l ON l.ledger_id = g.ledger_id
    WHERE g.ledger_id = p_ledger GROUP BY g.org_id;
    RETURN vouch_xr_store(p, 'SPLIT_PURCHASE', ARRAY(
        WITH c AS (
            SELECT x.*,
                   jsonb_build_object(
                       'ledger_id', x.ledger_id, 'date', x.voucher_date,
                       'voucher', vouch_voucher_label(x.voucher_word, x.voucher_no),
                       'line_no', x.line_no, 'amount', vouch_money(x.debit), 'code', x.econ,
                       'summary', x.summary) AS item
            FROM vouch_xr_x x
            WHERE x.voucher_date BETWEEN lo - w AND hi + w
              AND x.columns @> ARRAY(SELECT jsonb_array_elements_text(r -> 'needs'))
              AND x.econ LIKE ANY (scope) AND x.debit < fl
              AND x.pk <> '' AND vouch_blank(x.contract_no)
              AND NOT ((p -> 'channels') ? vouch_fold(x.procurement_method))
        ), touched AS (
            SELECT c.pk, min(c.voucher_date) - w AS d_from, max(c.voucher_date) + w AS d_to
            FROM c WHERE c.ledger_id = p_ledger GROUP BY c.pk
        ), cc AS (
            -- _ord: the order the evidence lists them in (a frame keeps no
            -- order within a day)
            SELECT c.*, c.item || jsonb_build_object('_ord', row_number() OVER (
                       PARTITION BY c.pk ORDER BY c.voucher_date, c.voucher_no, c.ledger_id,
                       c.seq)) AS entry
            FROM c JOIN touched t ON t.pk = c.pk
            WHERE c.voucher_date BETWEEN t.d_from AND t.d_to
        ), ahead AS (
            -- the window that starts on each line's date
            SELECT cc.*, sum(cc.debit) OVER fwd AS w_total, count(*) OVER fwd AS w_count,
                   bool_or(cc.ledger_id = p_ledger) OVER fwd AS w_new,
                   jsonb_agg(cc.entry) OVER fwd AS w_lines
            FROM cc
            WINDOW fwd AS (PARTITION BY cc.pk ORDER BY cc.voucher_date
                           RANGE BETWEEN CURRENT ROW AND span FOLLOWING)
        ), best AS (
            -- the best window reaching the floor among those that start in the
            -- window_days before each line's date: [total, -start]
            SELECT a.*,
                   max(CASE WHEN a.w_total >= fl AND a.w_new
                            THEN ARRAY[a.w_total::bigint, (DATE '2000-01-01' - a.voucher_date)]
                       END) OVER bwd AS pick
            FROM ahead a
            WINDOW bwd AS (PARTITION BY a.pk ORDER BY a.voucher_date
                           RANGE BETWEEN span PRECEDING AND CURRENT ROW)
        ), starts AS (
            SELECT DISTINCT ON (a.pk, a.voucher_date) a.pk, a.voucher_date, a.w_count,
                   (SELECT jsonb_agg(e - '_ord' ORDER BY (e ->> '_ord')::int)
                    FROM jsonb_array_elements(a.w_lines) AS e) AS w_lines
            FROM ahead a
            WHERE (a.pk, a.voucher_date) IN (
                SELECT b.pk, DATE '2000-01-01' - b.pick[2]::int FROM best b
                WHERE b.pick IS NOT NULL)
        )
        SELECT ROW(b.ledger_id, b.seq, b.debit, 'default',
                   jsonb_build_object('payee', b.payee, 'count', s.w_count,
                       'total', vouch_money_grouped(b.pick[1]), 'threshold', vouch_money_grouped(fl),
                       'first_date', s.voucher_date,
                       'last_date', s.w_lines -> -1 -> 'date',
                       'window_days', w, 'amount', vouch_money_grouped(b.debit)),
                   jsonb_build_object('payee', b.payee, 'total', vouch_money(b.pick[1]),
                       'threshold', vouch_money(fl), 'window_days', w,
                       'first_date', s.voucher_date, 'last_date', s.w_lines -> -1 -> 'date',
                       'count', s.w_count,
                       -- the lines of the window, the first 100 of them
                       'lines', jsonb_path_query_array(s.w_lines, '$[0 to 99]')))::vouch_xr_finding
        FROM best b
        JOIN starts s ON s.pk = b.pk AND s.voucher_date = DATE '2000-01-01' - b.pick[2]::int
        WHERE b.pick IS NOT NULL));
END $$;

-- DUPLICATE_PAYMENT as 005 has it, over vouch_xr_x
CREATE OR REPLACE FUNCTION vouch_xr_duplicate_payment(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql SET enable_nestloop = off SET work_mem = '64MB' AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'DUPLICATE_PAYMENT';
    w int := (r ->> 'window_days')::int;
BEGIN
    IF NOT vouch_xr_runs(p_ledger, r) THEN
        RETURN 0;
    END IF;
    RETURN vouch_xr_store(p, 'DUPLICATE_PAYMENT', ARRAY(
        WITH x AS (
            SELECT x.*, vouch_fold(x.invoice_no) AS ik, vouch_fold(x.summary) AS sk
            FROM vouch_xr_x x
            WHERE x.columns @> ARRAY(SELECT jsonb_array_elements_text(r -> 'needs'))
              AND x.pk <> ''
        ), matched AS (
            -- a line of this ledger (m) and another of another voucher (o):
            -- the same invoice, or no invoices and the same amount and summary
            SELECT m.ledger_id AS m_ledger, m.seq AS m_seq, o.ledger_id AS o_ledger,
                   o.seq AS o_seq,
                   (o.voucher_date, o.voucher_no, o.voucher_word, o.ledger_id, o.seq)
                   < (m.voucher_date, m.voucher_no, m.voucher_word, m.ledger_id, m.seq) AS o_first
            FROM x m JOIN x o ON o.pk = m.pk AND o.ik = m.ik
            WHERE m.ledger_id = p_ledger AND m.ik <> ''
              AND (o.fiscal_year, o.period, o.voucher_word, o.voucher_no)
                  IS DISTINCT FROM (m.fiscal_year, m.period, m.voucher_word, m.voucher_no)
            UNION ALL
            SELECT m.ledger_id, m.seq, o.ledger_id, o.seq,
                   (o.voucher_date, o.voucher_no, o.voucher_word, o.ledger_id, o.seq)
                   < (m.voucher_date, m.voucher_no, m.voucher_word, m.ledger_id, m.seq)
            FROM x m JOIN x o ON o.pk = m.pk AND o.ik = m.ik AND o.debit = m.debit
                AND o.sk = m.sk
            WHERE m.ledger_id = p_ledger AND m.ik = '' AND m.sk <> ''
              AND abs(o.voucher_date - m.voucher_date) <= w
              AND (o.fiscal_year, o.period, o.voucher_word, o.voucher_no)
                  IS DISTINCT FROM (m.fiscal_year, m.period, m.voucher_word, m.voucher_no)
        ), pairs AS (
            -- each pair once, the earlier side first
            SELECT DISTINCT
                   CASE WHEN o_first THEN o_ledger ELSE m_ledger END AS a_ledger,
                   CASE WHEN o_first THEN o_seq ELSE m_seq END AS a_seq,
                   CASE WHEN o_first THEN m_ledger ELSE o_ledger END AS b_ledger,
                   CASE WHEN o_first THEN m_seq ELSE o_seq END AS b_seq
            FROM matched
        ), later AS (
            SELECT b.ledger_id, b.seq, b.debit, b.payee, b.invoice_no, b.summary, b.ik,
                   b.voucher_date,
                   -- the first 20 earlier payments (a payee paid the same
                   -- hundreds of times would make evidence no one reads)
                   jsonb_path_query_array(jsonb_agg(jsonb_build_object(
                       'ledger_id', a.ledger_id, 'date', a.voucher_date,
                       'voucher', vouch_voucher_label(a.voucher_word, a.voucher_no),
                       'line_no', a.line_no, 'amount', vouch_money(a.debit),
                       'invoice_no', a.invoice_no, 'summary', a.summary)
                       ORDER BY a.voucher_date, a.voucher_no, a.ledger_id, a.seq), '$[0 to 19]')
                       AS earlier,
                   count(*) AS n_earlier,
                   -- the payment just before this one, for the message
                   (array_agg(jsonb_build_object(
                       'date', a.voucher_date, 'debit', a.debit,
                       'voucher', vouch_voucher_label(a.voucher_word, a.voucher_no))
                       ORDER BY a.voucher_date DESC, a.voucher_no DESC, a.ledger_id DESC,
                                a.seq DESC))[1] AS prev
            FROM pairs q
            JOIN x a ON a.ledger_id = q.a_ledger AND a.seq = q.a_seq
            JOIN x b ON b.ledger_id = q.b_ledger AND b.seq = q.b_seq
            GROUP BY b.ledger_id, b.seq, b.debit, b.payee, b.invoice_no, b.summary, b.ik,
                     b.voucher_date
        )
        SELECT ROW(l.ledger_id, l.seq, l.debit, CASE WHEN l.ik <> '' THEN 'invoice' ELSE 'summary' END,
                   jsonb_build_object('payee', l.payee, 'invoice_no', l.invoice_no,
                       'amount', vouch_money_grouped(l.debit), 'summary', l.summary,
                       'count', l.n_earlier,
                       'days', l.voucher_date - (l.prev ->> 'date')::date, 'window_days', w,
                       'earlier_date', l.prev -> 'date', 'earlier_voucher', l.prev -> 'voucher',
                       'earlier_amount', vouch_money_grouped((l.prev ->> 'debit')::bigint)),
                   jsonb_build_object('basis', CASE WHEN l.ik <> '' THEN 'invoice'
                                                    ELSE 'payee, amount and summary' END,
                       'payee', l.payee, 'invoice_no', l.invoice_no, 'summary', l.summary,
                       'window_days', CASE WHEN l.ik <> '' THEN NULL ELSE w END,
                       'earlier', l.earlier))::vouch_xr_finding
        FROM later l));
END $$;

-- A ledger just stored has no statistics: the planner takes it for one line.
-- Nested loops and merge joins over what it thinks one line are what cost
-- hours (005) and, here, 78 s: a merge on (fiscal year, period) alone
-- compared 412 million pairs of lines and vouchers. Hash joins cost what
-- the rows cost, however wrong the guess; sorts stay in memory. The voucher
-- rules of 015 run so too. But a rule's few findings find their lines by the
-- primary key, one by one: hashed, they read every line of every ledger
-- (0.7 s a rule).
ALTER FUNCTION vouch_xr_store(jsonb, text, vouch_xr_finding[])
    SET enable_nestloop = on SET enable_mergejoin = on;

-- work_mem: the expense lines are sorted once in memory (about 150 MB at a
-- unit of 1,000,000 lines; 75 MB on disk took 2 s), in this function only.
CREATE OR REPLACE FUNCTION vouch_xr_ledger_done(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql SET enable_nestloop = off SET enable_mergejoin = off SET work_mem = '256MB'
    AS $$
DECLARE
    n bigint := 0;
    v_org int := (SELECT org_id FROM ledgers WHERE ledger_id = p_ledger);
    -- a variable, not an argument: an inlined argument is evaluated per row
    payees text[] := vouch_xr_payees(p_ledger);
BEGIN
    IF (SELECT voucher_rules_at FROM ledgers WHERE ledger_id = p_ledger) IS NULL THEN
        n := vouch_xr_voucher_rules(p_ledger, p);
        UPDATE ledgers SET voucher_rules_at = now() WHERE ledger_id = p_ledger;
    END IF;
    -- the expense lines of the vouchers paying this ledger's payees, in any
    -- ledger of the unit, as SPLIT_PURCHASE and DUPLICATE_PAYMENT read them
    DROP TABLE IF EXISTS vouch_xr_x;
    CREATE TEMPORARY TABLE vouch_xr_x ON COMMIT DROP AS
        SELECT x.*, vouch_fold(x.payee) AS pk
        FROM vouch_xr_expense_lines(v_org, p, NULL, NULL, payees) x;
    ANALYZE vouch_xr_x;
    n := n + vouch_xr_split_purchase(p_ledger, p)
           + vouch_xr_duplicate_payment(p_ledger, p)
           + vouch_xr_sequence_gap(p_ledger, p);
    DROP TABLE vouch_xr_x;
    UPDATE ledgers SET cross_checked_at = now() WHERE ledger_id = p_ledger;
    RETURN n;
END $$;
