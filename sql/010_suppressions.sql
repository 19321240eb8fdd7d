-- 011: suppression. An auditor dismisses a finding with a scope, so that the
-- same false positive does not come back with the next ledger:
--   line   this line (its voucher and content), in whatever ledger holds it;
--   payee  this payee under this rule, in this unit;
--   unit   this rule in this unit.
-- A suppression turns the open findings it covers, now and later, to
-- 'suppressed', each with a row of history naming it. Suppressed findings
-- are not deleted: flags --status suppressed lists them, and counts them.
-- Lifting a suppression reopens the findings it suppressed.

-- The statuses a finding has: open, confirmed, dismissed (007), suppressed
-- (here) and superseded (011, a re-export's).
ALTER TABLE reviews DROP CONSTRAINT reviews_to_status_check;
ALTER TABLE reviews ADD CONSTRAINT reviews_to_status_check
    CHECK (to_status IN ('open', 'confirmed', 'dismissed', 'suppressed', 'superseded'));
ALTER TABLE findings ADD CONSTRAINT findings_status_check
    CHECK (status IN ('open', 'confirmed', 'dismissed', 'suppressed', 'superseded'));

-- What a line says, as one value: two lines with the same content are the
-- same line (file order, line numbers and columns no field holds aside).
CREATE FUNCTION vouch_line_content(l lines) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT md5(row(l.voucher_date, l.summary, l.account_code, l.account_name, l.func_code,
                   l.econ_code, l.debit, l.credit, l.indicator, l.department, l.project,
                   l.claimant, l.payee, l.payee_account, l.payment_method, l.procurement_method,
                   l.contract_no, l.invoice_no, l.business_date, l.approval_date,
                   l.document_dates, l.attachments, l.preparer, l.reviewer, l.documents)::text)
$$;

CREATE TABLE suppressions (
    suppression_id bigserial PRIMARY KEY,
    org_id       int NOT NULL REFERENCES orgs,
    rule         text NOT NULL,
    scope        text NOT NULL CHECK (scope IN ('line', 'payee', 'unit')),
    payee        text,       -- folded (vouch_fold), for scope payee
    line_key     text,       -- vouch_line_key, for scope line
    label        text NOT NULL,   -- what it covers, for people
    finding_id   bigint NOT NULL, -- the dismissal it came with
    reason       text NOT NULL REFERENCES review_reasons,
    note         text NOT NULL,
    who          text NOT NULL DEFAULT session_user,
    at           timestamptz NOT NULL DEFAULT now(),
    lifted_at    timestamptz,
    lifted_by    text,
    lift_note    text,
    CHECK ((scope = 'payee') = (payee IS NOT NULL)),
    CHECK ((scope = 'line') = (line_key IS NOT NULL))
);
CREATE INDEX suppressions_active ON suppressions (org_id, rule) WHERE lifted_at IS NULL;

ALTER TABLE findings ADD COLUMN suppressed_by bigint;

-- A voucher line wherever it is stored: its voucher and its content.
CREATE FUNCTION vouch_line_key(l lines) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT l.fiscal_year || '/' || l.period || '/' || l.voucher_word || '/' || l.voucher_no
           || '/' || vouch_line_content(l)
$$;

-- Suppress the open findings of ids that an active suppression covers (the
-- oldest suppression when several do), each with a row of history. Returns
-- how many.
CREATE FUNCTION vouch_suppress_open(ids bigint[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    WITH hit AS (
        SELECT DISTINCT ON (f.finding_id) f.finding_id, f.org_id, s.suppression_id, s.label,
               s.who, s.finding_id AS source
        FROM findings f
        JOIN lines l ON l.ledger_id = f.ledger_id AND l.seq = f.seq AND l.org_id = f.org_id
            AND l.fiscal_year = f.fiscal_year AND l.period = f.period
        JOIN suppressions s ON s.org_id = f.org_id AND s.rule = f.rule AND s.lifted_at IS NULL
            AND (s.scope = 'unit'
                 OR (s.scope = 'payee' AND s.payee = vouch_fold(l.payee))
                 OR (s.scope = 'line' AND s.line_key = vouch_line_key(l)))
        WHERE f.finding_id = ANY (ids) AND f.status = 'open'
        ORDER BY f.finding_id, s.suppression_id
    ), upd AS (
        UPDATE findings f SET status = 'suppressed', suppressed_by = hit.suppression_id
        FROM hit WHERE f.finding_id = hit.finding_id
        RETURNING f.finding_id
    )
    INSERT INTO reviews (finding_id, org_id, from_status, to_status, note)
    SELECT hit.finding_id, hit.org_id, 'open', 'suppressed',
           format('suppression %s (%s), made by %s dismissing finding %s',
                  hit.suppression_id, hit.label, hit.who, hit.source)
    FROM hit JOIN upd ON upd.finding_id = hit.finding_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- New findings (workers', PostgreSQL's rules', any) meet the suppressions as
-- they are stored: one statement-level pass over what was inserted.
CREATE FUNCTION vouch_findings_suppress() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM suppressions WHERE lifted_at IS NULL) THEN
        PERFORM vouch_suppress_open(ARRAY(SELECT finding_id FROM ins WHERE status = 'open'));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER findings_suppress AFTER INSERT ON findings
    REFERENCING NEW TABLE AS ins FOR EACH STATEMENT EXECUTE FUNCTION vouch_findings_suppress();

-- Dismiss a finding (vouch_review's checks) and suppress, within scope,
-- what it stands for: the open findings now and those to come. Returns what
-- was done, for vouchctl to print.
CREATE FUNCTION vouch_dismiss_scoped(p_finding bigint, p_scope text, p_reason text, p_note text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r reviews%ROWTYPE;
    f findings%ROWTYPE;
    l lines%ROWTYPE;
    s suppressions%ROWTYPE;
    n bigint;
BEGIN
    IF p_scope NOT IN ('line', 'payee', 'unit') THEN
        RAISE EXCEPTION 'a scope is line, payee or unit' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    r := vouch_review(p_finding, 'dismissed', p_reason, p_note);
    SELECT * INTO f FROM findings WHERE finding_id = p_finding;
    SELECT * INTO l FROM lines WHERE ledger_id = f.ledger_id AND seq = f.seq AND org_id = f.org_id
        AND fiscal_year = f.fiscal_year AND period = f.period;
    IF p_scope = 'payee' AND vouch_fold(l.payee) = '' THEN
        RAISE EXCEPTION 'finding % names no payee: scope line or unit', p_finding
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO suppressions (org_id, rule, scope, payee, line_key, label, finding_id, reason, note)
    VALUES (f.org_id, f.rule, p_scope,
            CASE WHEN p_scope = 'payee' THEN vouch_fold(l.payee) END,
            CASE WHEN p_scope = 'line' THEN vouch_line_key(l) END,
            CASE p_scope
                WHEN 'line' THEN format('%s on %s-%s %s line %s', f.rule, l.fiscal_year,
                                        lpad(l.period::text, 2, '0'),
                                        vouch_voucher_label(l.voucher_word, l.voucher_no), l.line_no)
                WHEN 'payee' THEN format('%s paying %s', f.rule, btrim(l.payee))
                ELSE format('%s in %s', f.rule, (SELECT name FROM orgs WHERE org_id = f.org_id))
            END,
            p_finding, p_reason, btrim(p_note))
    RETURNING * INTO s;
    n := vouch_suppress_open(ARRAY(SELECT finding_id FROM findings
                                   WHERE org_id = f.org_id AND rule = f.rule AND status = 'open'));
    RETURN format('%s -> %s (%s); suppression %s (%s): %s other open finding%s suppressed',
                  r.from_status, r.to_status, r.who, s.suppression_id, s.label, n,
                  CASE WHEN n = 1 THEN '' ELSE 's' END);
END $$;

-- Lift a suppression: the findings it suppressed reopen, each with a row of
-- history; the suppression stays, lifted. Returns how many reopened.
CREATE FUNCTION vouch_suppression_lift(p_id bigint, p_note text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := vouch_session_person();
    n bigint;
BEGIN
    IF coalesce(btrim(p_note), '') = '' THEN
        RAISE EXCEPTION 'a note is required: say why' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE suppressions SET lifted_at = now(), lifted_by = session_user, lift_note = btrim(p_note)
    WHERE suppression_id = p_id AND lifted_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no active suppression %', p_id USING ERRCODE = 'no_data_found';
    END IF;
    WITH upd AS (
        UPDATE findings SET status = 'open', suppressed_by = NULL
        WHERE suppressed_by = p_id AND status = 'suppressed'
        RETURNING finding_id, org_id
    )
    INSERT INTO reviews (finding_id, org_id, from_status, to_status, note)
    SELECT finding_id, org_id, 'suppressed', 'open',
           format('suppression %s lifted by %s (%s): %s', p_id, session_user, me, btrim(p_note))
    FROM upd;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
