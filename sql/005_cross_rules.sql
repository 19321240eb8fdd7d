-- 005_cross_rules.sql: the rules that read more than a batch holds, run by
-- vouchd in PostgreSQL (RULES.md; workers/ledger_rules.c is their C side).
--
--   vouch_xr_voucher_rules(ledger, params)  UNBALANCED_VOUCHER, PREPARER_IS_REVIEWER:
--       each voucher of one ledger, in the transaction that stores the file.
--   vouch_xr_ledger_done(ledger, params)    SPLIT_PURCHASE, DUPLICATE_PAYMENT,
--       SEQUENCE_GAP across every ledger of the org, when the ledger's batches
--       are all done (in the transaction that sets analysed_at).
--
-- params is the one JSON object vouchd builds from the policy it serves:
-- every threshold, code list, channel, window and message comes from there,
-- none is written here. Findings have the shape the workers' have and are
-- ON CONFLICT DO NOTHING on (line, rule): running a function again, or for a
-- later ledger, adds only what is new. A later ledger can complete a finding
-- on an earlier ledger's line (a split straddling two monthly files): the
-- windows and pairs of the cross rules are those that hold a line of the new
-- ledger, and their findings go on whichever lines they concern.
--
-- A voucher is (org, fiscal year, period, word, number). Where several
-- ledgers hold the same voucher (a file and its re-export, or the same books
-- exported in another layout), the cross rules read the copy of the first
-- ledger that holds it, so a re-export neither doubles a split's sum nor pays
-- its own original twice. A blank word is an export that has none (NC's
-- " 29"): it stands for whatever word the other copy has.

ALTER TABLE lines ADD COLUMN reviewer text;   -- 审核人
-- when the cross rules last ran over the ledger; NULL: not yet, or they
-- failed (vouchd runs them again)
ALTER TABLE ledgers ADD COLUMN cross_checked_at timestamptz;
CREATE INDEX lines_org_date ON lines (org_id, voucher_date) WHERE debit > 0;

-- ---- helpers ----

-- RULES.md: text is compared after NFKC with white space removed (the same
-- characters as text.c's vouch_text_fold).
CREATE FUNCTION vouch_fold(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(normalize(coalesce(s, ''), NFKC),
        '[\s\u0085\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+', '', 'g');

-- the leading digits of a code cell (' 30217' -> '30217'), '' when none
CREATE FUNCTION vouch_digits(s text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(substring(ltrim(coalesce(s, '')) FROM '^[0-9]+'), '');

-- RULES.md: lists of codes and accounts match by prefix
CREATE FUNCTION vouch_has_prefix(code text, prefixes jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN code <> '' AND EXISTS (
        SELECT 1 FROM jsonb_array_elements_text(prefixes) AS x(p) WHERE starts_with(code, x.p));

-- fen as yuan, as money.c prints it: '835000.00' (evidence), '835,000.00' (messages)
CREATE FUNCTION vouch_money(fen bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_char(fen::numeric / 100, 'FM99999999999999999990.00');
CREATE FUNCTION vouch_money_grouped(fen bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_char(fen::numeric / 100, 'FM9,999,999,999,999,999,990.00');

-- '记-23', or '23' when the file has no voucher word (voucher.c's format)
CREATE FUNCTION vouch_voucher_label(word text, no int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN coalesce(word, '') = '' THEN no::text ELSE word || '-' || no END;

-- A message template with {name} placeholders, in one pass as rules.c's
-- vouch_rules_render does: a value is never read as a template, and a
-- placeholder without a value renders empty (the policy's are checked at load).
CREATE FUNCTION vouch_render(tmpl text, vars jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    t text := coalesce(tmpl, '');
    out text := '';
    pos int := 1;
    o int;
    c int;
BEGIN
    LOOP
        o := strpos(substr(t, pos), '{');
        IF o = 0 THEN
            RETURN out || substr(t, pos);
        END IF;
        o := pos + o - 1;
        c := strpos(substr(t, o), '}');
        IF c = 0 THEN
            RETURN out || substr(t, pos);
        END IF;
        c := o + c - 1;
        out := out || substr(t, pos, o - pos)
               || coalesce(vars ->> substr(t, o + 1, c - o - 1), '');
        pos := c + 1;
    END LOOP;
END $$;

-- Whether a rule is on and the ledger's file has every column it needs.
CREATE FUNCTION vouch_xr_runs(p_ledger bigint, r jsonb) RETURNS boolean
    LANGUAGE sql STABLE
    RETURN r IS NOT NULL AND coalesce((r ->> 'enabled')::boolean, false) AND EXISTS (
        SELECT 1 FROM ledgers g WHERE g.ledger_id = p_ledger
        AND g.columns @> ARRAY(SELECT jsonb_array_elements_text(r -> 'needs')));

-- One finding as a rule function makes it: the line, the amount, the message
-- variant and its placeholders' values, the evidence.
CREATE TYPE vouch_xr_finding AS (
    ledger_id bigint,
    seq       int,
    amount    bigint,
    variant   text,
    vars      jsonb,
    evidence  jsonb
);

-- Store a rule's findings with the rule's version and severity, the profile
-- and policy version, both messages rendered. Returns how many were new.
CREATE FUNCTION vouch_xr_store(p jsonb, p_rule text, f vouch_xr_finding[]) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    r jsonb := p -> 'rules' -> p_rule;
    n bigint;
BEGIN
    INSERT INTO findings (org_id, fiscal_year, period, ledger_id, seq, rule, rule_version,
                          profile, policy_version, severity, amount, message, message_en, evidence)
    SELECT l.org_id, l.fiscal_year, l.period, l.ledger_id, l.seq, p_rule,
           (r ->> 'version')::int, p ->> 'profile', p ->> 'policy_version', r ->> 'severity',
           x.amount,
           vouch_render(r -> 'messages' -> x.variant ->> 'zh', x.vars),
           vouch_render(r -> 'messages' -> x.variant ->> 'en', x.vars),
           x.evidence
    FROM unnest(f) AS x
    JOIN lines l ON l.ledger_id = x.ledger_id AND l.seq = x.seq
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- The expense lines of an org as the rules read them (RULES.md "Which lines
-- the rules read", as rules.c decides them): debits (red ink, negative, is
-- skipped) to an expense account of either book, with an economic code; a
-- budget line paired with its financial twin (the same economic code and
-- amount, in order) is left alone. Each voucher is read from the first ledger
-- that holds it, with the columns that ledger's file carried. Only vouchers
-- dated d_from to d_to (NULL: unbounded) that pay one of payees (folded;
-- NULL: any), so that a rule reads what can concern a new ledger rather than
-- the org's whole history.
CREATE FUNCTION vouch_xr_expense_lines(p_org int, p jsonb, d_from date, d_to date,
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
          AND (d_from IS NULL OR l.voucher_date >= d_from)
          AND (d_to IS NULL OR l.voucher_date <= d_to)
          AND vouch_fold(l.payee) = ANY (payees)
    ), l AS (
        SELECT l.*, vouch_digits(l.account_code) AS acct, vouch_digits(l.econ_code) AS econ
        FROM lines l
        WHERE l.org_id = p_org AND l.debit > 0
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
                AND v.ledger_id < l.ledger_id)
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

-- The payees (folded) of a ledger's debits: what a new ledger can concern.
CREATE FUNCTION vouch_xr_payees(p_ledger bigint) RETURNS text[]
    LANGUAGE sql STABLE
    RETURN ARRAY(SELECT DISTINCT vouch_fold(payee) FROM lines
                 WHERE ledger_id = p_ledger AND debit > 0 AND vouch_fold(payee) <> '');

-- ---- as a file is stored: each voucher of the ledger ----

-- UNBALANCED_VOUCHER: debits and credits differ in either book on its own.
-- The finding sits on the voucher's first line; its amount is what the books
-- are apart, added over the books that do not balance.
CREATE FUNCTION vouch_xr_unbalanced_voucher(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'UNBALANCED_VOUCHER';
    m jsonb := r -> 'messages';
BEGIN
    IF NOT vouch_xr_runs(p_ledger, r) THEN
        RETURN 0;
    END IF;
    RETURN vouch_xr_store(p, 'UNBALANCED_VOUCHER', ARRAY(
        WITH l AS (
            SELECT l.*, b.book
            FROM lines l
            CROSS JOIN LATERAL (
                SELECT k AS book FROM jsonb_each(p -> 'books') AS x(k, prefixes)
                WHERE vouch_has_prefix(vouch_digits(l.account_code), x.prefixes)
                ORDER BY k LIMIT 1) b
            WHERE l.ledger_id = p_ledger
        ), books AS (
            SELECT fiscal_year, period, voucher_word, voucher_no, book,
                   sum(debit)::bigint AS debit, sum(credit)::bigint AS credit
            FROM l GROUP BY fiscal_year, period, voucher_word, voucher_no, book
        ), v AS (
            SELECT fiscal_year, period, voucher_word, voucher_no,
                   sum(abs(debit - credit))::bigint AS apart,
                   jsonb_object_agg(book, jsonb_build_object(
                       'debit', vouch_money(debit), 'credit', vouch_money(credit),
                       'difference', vouch_money(debit - credit))) AS per_book,
                   -- the financial book first
                   jsonb_agg(book ORDER BY book = 'budget') FILTER (WHERE debit <> credit)
                       AS unbalanced,
                   string_agg(vouch_render(m -> book ->> 'zh', jsonb_build_object(
                       'debit', vouch_money_grouped(debit), 'credit', vouch_money_grouped(credit),
                       'difference', vouch_money_grouped(abs(debit - credit)))), '；'
                       ORDER BY book = 'budget') FILTER (WHERE debit <> credit) AS detail,
                   string_agg(vouch_render(m -> book ->> 'en', jsonb_build_object(
                       'debit', vouch_money_grouped(debit), 'credit', vouch_money_grouped(credit),
                       'difference', vouch_money_grouped(abs(debit - credit)))), '; '
                       ORDER BY book = 'budget') FILTER (WHERE debit <> credit) AS detail_en
            FROM books
            GROUP BY fiscal_year, period, voucher_word, voucher_no
            HAVING bool_or(debit <> credit)
        )
        SELECT ROW(vo.ledger_id, vo.first_seq, v.apart, 'default',
                   jsonb_build_object('voucher', vouch_voucher_label(v.voucher_word, v.voucher_no),
                                      'detail', v.detail, 'detail_en', v.detail_en),
                   jsonb_build_object('books', v.per_book, 'unbalanced', v.unbalanced,
                                      'apart', vouch_money(v.apart)))::vouch_xr_finding
        FROM v
        JOIN vouchers vo ON vo.ledger_id = p_ledger AND vo.fiscal_year = v.fiscal_year
            AND vo.period = v.period AND vo.voucher_word = v.voucher_word
            AND vo.voucher_no = v.voucher_no));
END $$;

-- PREPARER_IS_REVIEWER: the voucher's 制单人 and 审核人 (the first of its lines
-- that names one) are the same after folding; a blank never matches. The
-- amount is what the voucher moves: its debits in the larger book.
CREATE FUNCTION vouch_xr_preparer_is_reviewer(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'PREPARER_IS_REVIEWER';
BEGIN
    IF NOT vouch_xr_runs(p_ledger, r) THEN
        RETURN 0;
    END IF;
    RETURN vouch_xr_store(p, 'PREPARER_IS_REVIEWER', ARRAY(
        WITH v AS (
            SELECT fiscal_year, period, voucher_word, voucher_no,
                   (array_agg(preparer ORDER BY seq)
                       FILTER (WHERE vouch_fold(preparer) <> ''))[1] AS preparer,
                   (array_agg(reviewer ORDER BY seq)
                       FILTER (WHERE vouch_fold(reviewer) <> ''))[1] AS reviewer,
                   greatest(
                       coalesce(sum(debit) FILTER (WHERE vouch_has_prefix(
                           vouch_digits(account_code), p -> 'books' -> 'financial')), 0),
                       coalesce(sum(debit) FILTER (WHERE vouch_has_prefix(
                           vouch_digits(account_code), p -> 'books' -> 'budget')), 0))::bigint AS amount
            FROM lines WHERE ledger_id = p_ledger
            GROUP BY fiscal_year, period, voucher_word, voucher_no
        )
        SELECT ROW(vo.ledger_id, vo.first_seq, v.amount, 'default',
                   jsonb_build_object('voucher', vouch_voucher_label(v.voucher_word, v.voucher_no),
                                      'preparer', v.preparer, 'reviewer', v.reviewer),
                   jsonb_build_object('preparer', v.preparer, 'reviewer', v.reviewer))::vouch_xr_finding
        FROM v
        JOIN vouchers vo ON vo.ledger_id = p_ledger AND vo.fiscal_year = v.fiscal_year
            AND vo.period = v.period AND vo.voucher_word = v.voucher_word
            AND vo.voucher_no = v.voucher_no
        WHERE vouch_fold(v.preparer) <> '' AND vouch_fold(v.preparer) = vouch_fold(v.reviewer)));
END $$;

CREATE FUNCTION vouch_xr_voucher_rules(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE sql
    RETURN vouch_xr_unbalanced_voucher(p_ledger, p) + vouch_xr_preparer_is_reviewer(p_ledger, p);

-- ---- once a ledger's batches are done: across every ledger of the org ----
--
-- These join sets the planner cannot size (CTEs of an org's candidates): it
-- guesses a few rows and nests loops, which over a large org turns seconds
-- into hours (measured on an org of 600,000 lines: SPLIT_PURCHASE 3 s against
-- 6 min). Each function runs with enable_nestloop off and room to sort in
-- memory, for itself only. Their cost grows with the org's history: that org's
-- December, its payees all paid before, takes 13 s in all.

-- SPLIT_PURCHASE: in-scope lines under emall_floor to one payee (by name), with
-- neither a contract nor a channel: every line of some set of them whose
-- voucher dates lie within window_days and whose sum reaches emall_floor.
-- Amounts are positive, so the best such set for a line is all its payee's
-- candidates in a window of window_days that starts on one of their dates.
-- Windows holding a line of this ledger are the ones it can have changed; of
-- those that reach the floor, a line's evidence is the one of the largest sum
-- holding it (the earliest, on a tie). Windows are frames over the candidates in date order,
-- never a join of the candidates with themselves: a payee paid a thousand
-- times a month costs a sort, not a million pairs.
CREATE FUNCTION vouch_xr_split_purchase(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql SET enable_nestloop = off SET work_mem = '64MB' AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'SPLIT_PURCHASE';
    w int := (r ->> 'window_days')::int;
    span interval := make_interval(days => (r ->> 'window_days')::int);
    fl bigint := (p ->> 'emall_floor')::bigint;
    -- a variable, not an argument: an inlined argument is evaluated per row
    payees text[] := vouch_xr_payees(p_ledger);
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
            SELECT x.*, vouch_fold(x.payee) AS pk,
                   jsonb_build_object(
                       'ledger_id', x.ledger_id, 'date', x.voucher_date,
                       'voucher', vouch_voucher_label(x.voucher_word, x.voucher_no),
                       'line_no', x.line_no, 'amount', vouch_money(x.debit), 'code', x.econ,
                       'summary', x.summary) AS item
            FROM vouch_xr_expense_lines(v_org, p, lo - w, hi + w, payees) x
            WHERE x.columns @> ARRAY(SELECT jsonb_array_elements_text(r -> 'needs'))
              AND vouch_has_prefix(x.econ, p -> 'scope') AND x.debit < fl
              AND vouch_fold(x.payee) <> '' AND vouch_fold(x.contract_no) = ''
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

-- DUPLICATE_PAYMENT: two expense lines of different vouchers to the same
-- payee against the same invoice number, whenever; or, where neither has an
-- invoice number, with the same amount and summary within window_days. The
-- later line (later voucher date, then higher voucher number) is flagged,
-- naming the payment before it; the evidence lists every earlier one.
CREATE FUNCTION vouch_xr_duplicate_payment(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql SET enable_nestloop = off SET work_mem = '64MB' AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'DUPLICATE_PAYMENT';
    w int := (r ->> 'window_days')::int;
    v_org int := (SELECT org_id FROM ledgers WHERE ledger_id = p_ledger);
    payees text[] := vouch_xr_payees(p_ledger);
BEGIN
    IF NOT vouch_xr_runs(p_ledger, r) THEN
        RETURN 0;
    END IF;
    RETURN vouch_xr_store(p, 'DUPLICATE_PAYMENT', ARRAY(
        WITH x AS (
            SELECT x.*, vouch_fold(x.payee) AS pk, vouch_fold(x.invoice_no) AS ik,
                   vouch_fold(x.summary) AS sk
            FROM vouch_xr_expense_lines(v_org, p, NULL, NULL, payees) x
            WHERE x.columns @> ARRAY(SELECT jsonb_array_elements_text(r -> 'needs'))
              AND vouch_fold(x.payee) <> ''
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

-- SEQUENCE_GAP: voucher numbers missing within an org, fiscal year, period
-- and voucher word, over every ledger of the org (numbers restart at 1 each
-- period, so a period that starts above 1 has lost the first ones). The
-- finding sits on the first line of the voucher after the gap.
CREATE FUNCTION vouch_xr_sequence_gap(p_ledger bigint, p jsonb) RETURNS bigint
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
            WHERE v.org_id = v_org
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

-- Everything PostgreSQL checks once a ledger is analysed; the voucher rules
-- again too (nothing new when they ran at storing; they catch up a ledger
-- stored before this migration, or while vouchd had no policy for them).
-- Returns how many findings were new, on this ledger's lines or others'.
CREATE FUNCTION vouch_xr_ledger_done(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    n := vouch_xr_voucher_rules(p_ledger, p)
         + vouch_xr_split_purchase(p_ledger, p)
         + vouch_xr_duplicate_payment(p_ledger, p)
         + vouch_xr_sequence_gap(p_ledger, p);
    UPDATE ledgers SET cross_checked_at = now() WHERE ledger_id = p_ledger;
    RETURN n;
END $$;
