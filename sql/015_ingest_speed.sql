-- 015: storing a file costs what COPY costs, not more (issue 9).
--
-- Measured on 200,000 lines (BENCHMARKS.md): COPY into lines took 3.8 s
-- against 2.3 s without the foreign key to ledgers, whose check is a trigger
-- per row; the voucher rules took 9 to 10 s in the storing transaction,
-- nearly all of it calling vouch_has_prefix (a subquery over the policy's
-- JSON, never inlined) and vouch_fold twice for every line (1.4 s without
-- them, 0.05 s reading only the vouchers vscan.c names).

-- lines and vouchers are written only by the transaction that inserts their
-- ledger (daemon/ingest.c), and ledgers are never deleted: the key holds by
-- construction, and checking it row by row cost 40% of the COPY.
ALTER TABLE lines DROP CONSTRAINT IF EXISTS lines_ledger_id_fkey;
ALTER TABLE vouchers DROP CONSTRAINT IF EXISTS vouchers_ledger_id_fkey;

-- Whether a name, an account, a payee is blank as the rules see it:
-- vouch_fold(s) = '', without folding when the first character settles it
-- (a digit, an ASCII letter or a CJK ideograph is never folded away).
CREATE FUNCTION vouch_blank(s text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN s IS NULL OR (NOT (ascii(s) BETWEEN 48 AND 57 OR ascii(s) BETWEEN 65 AND 90
                              OR ascii(s) BETWEEN 97 AND 122 OR ascii(s) BETWEEN 13312 AND 40959)
                         AND vouch_fold(s) = '');

-- A prefix list of the policy (digits, never empty: ledger_rules.c checks) as
-- LIKE patterns. ltrim(code) LIKE ANY (these) is vouch_has_prefix(
-- vouch_digits(code), prefixes): a prefix of digits matches the leading
-- digits exactly when it matches the trimmed code.
CREATE FUNCTION vouch_like_prefixes(prefixes jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT x || '%' FROM jsonb_array_elements_text(prefixes) AS x);

-- The voucher rules read the vouchers that can have findings, not the whole
-- ledger. vouchd decides them from the lines as they stream into COPY
-- (daemon/vscan.c): a book that does not balance, or a 制单人 and 审核人 that
-- may fold to the same name. It errs towards reading a voucher; with NULL (a
-- voucher whose lines are not together, too many candidates, an older
-- vouchd) the rules read every line. At 1,000,000 lines the two groupings
-- over the whole ledger took 8 s.

-- A ledger's lines, or those of seqs: each branch is planned apart, so that
-- a cached generic plan still reads seqs by the primary key.
CREATE FUNCTION vouch_xr_some_lines(p_ledger bigint, p_seqs int[]) RETURNS SETOF lines
    LANGUAGE sql STABLE AS $$
    SELECT * FROM lines WHERE ledger_id = p_ledger AND p_seqs IS NULL
    UNION ALL
    SELECT * FROM lines WHERE ledger_id = p_ledger AND seq = ANY (p_seqs)
$$;

-- UNBALANCED_VOUCHER, as 005 has it, in one pass: each line's book by a LIKE,
-- the books' sums by voucher, and the messages built for the vouchers that
-- do not balance only. Nested loops and merge joins are off: see 016.
CREATE FUNCTION vouch_xr_unbalanced_voucher(p_ledger bigint, p jsonb, p_seqs int[]) RETURNS bigint
    LANGUAGE plpgsql SET enable_nestloop = off SET enable_mergejoin = off
    SET work_mem = '64MB' AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'UNBALANCED_VOUCHER';
    m jsonb := r -> 'messages';
    bud text[] := vouch_like_prefixes(p -> 'books' -> 'budget');
    fin text[] := vouch_like_prefixes(p -> 'books' -> 'financial');
BEGIN
    IF NOT vouch_xr_runs(p_ledger, r) THEN
        RETURN 0;
    END IF;
    RETURN vouch_xr_store(p, 'UNBALANCED_VOUCHER', ARRAY(
        WITH books AS (
            -- a line in both books' lists is the budget's (005 took the first
            -- book by name)
            SELECT fiscal_year, period, voucher_word, voucher_no,
                   CASE WHEN ltrim(account_code) LIKE ANY (bud) THEN 'budget'
                        WHEN ltrim(account_code) LIKE ANY (fin) THEN 'financial' END AS book,
                   sum(debit)::bigint AS debit, sum(credit)::bigint AS credit
            FROM vouch_xr_some_lines(p_ledger, p_seqs) AS lines
            GROUP BY 1, 2, 3, 4, 5
        ), bad AS (
            SELECT fiscal_year, period, voucher_word, voucher_no FROM books
            WHERE book IS NOT NULL AND debit <> credit
            GROUP BY 1, 2, 3, 4
        ), v AS (
            SELECT b.fiscal_year, b.period, b.voucher_word, b.voucher_no,
                   sum(abs(debit - credit))::bigint AS apart,
                   jsonb_object_agg(book, jsonb_build_object(
                       'debit', vouch_money(debit), 'credit', vouch_money(credit),
                       'difference', vouch_money(debit - credit))) AS per_book,
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
            FROM books b
            JOIN bad USING (fiscal_year, period, voucher_word, voucher_no)
            WHERE b.book IS NOT NULL
            GROUP BY b.fiscal_year, b.period, b.voucher_word, b.voucher_no
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

-- PREPARER_IS_REVIEWER, as 005 has it: the first 制单人 and 审核人 that are not
-- blank, compared folded; the books' debits by a LIKE.
CREATE FUNCTION vouch_xr_preparer_is_reviewer(p_ledger bigint, p jsonb, p_seqs int[]) RETURNS bigint
    LANGUAGE plpgsql SET enable_nestloop = off SET enable_mergejoin = off
    SET work_mem = '64MB' AS $$
DECLARE
    r jsonb := p -> 'rules' -> 'PREPARER_IS_REVIEWER';
    bud text[] := vouch_like_prefixes(p -> 'books' -> 'budget');
    fin text[] := vouch_like_prefixes(p -> 'books' -> 'financial');
BEGIN
    IF NOT vouch_xr_runs(p_ledger, r) THEN
        RETURN 0;
    END IF;
    RETURN vouch_xr_store(p, 'PREPARER_IS_REVIEWER', ARRAY(
        WITH v AS (
            SELECT fiscal_year, period, voucher_word, voucher_no,
                   (array_agg(preparer ORDER BY seq) FILTER (WHERE NOT vouch_blank(preparer)))[1]
                       AS preparer,
                   (array_agg(reviewer ORDER BY seq) FILTER (WHERE NOT vouch_blank(reviewer)))[1]
                       AS reviewer,
                   greatest(
                       coalesce(sum(debit) FILTER (WHERE ltrim(account_code) LIKE ANY (fin)), 0),
                       coalesce(sum(debit) FILTER (WHERE ltrim(account_code) LIKE ANY (bud)), 0)
                   )::bigint AS amount
            FROM vouch_xr_some_lines(p_ledger, p_seqs) AS lines
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
        WHERE v.preparer IS NOT NULL AND vouch_fold(v.preparer) = vouch_fold(v.reviewer)));
END $$;

CREATE FUNCTION vouch_xr_voucher_rules(p_ledger bigint, p jsonb, p_seqs int[]) RETURNS bigint
    LANGUAGE sql
    RETURN vouch_xr_unbalanced_voucher(p_ledger, p, p_seqs)
           + vouch_xr_preparer_is_reviewer(p_ledger, p, p_seqs);

-- The two-argument forms (005) read every line.
CREATE OR REPLACE FUNCTION vouch_xr_unbalanced_voucher(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE sql
    RETURN vouch_xr_unbalanced_voucher(p_ledger, p, NULL);
CREATE OR REPLACE FUNCTION vouch_xr_preparer_is_reviewer(p_ledger bigint, p jsonb) RETURNS bigint
    LANGUAGE sql
    RETURN vouch_xr_preparer_is_reviewer(p_ledger, p, NULL);
