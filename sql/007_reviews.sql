-- 007: auditors' decisions on findings, and their history.
--
-- A finding is open, confirmed or dismissed (with a reason from a short
-- list); it may be reopened. Every change is one row of reviews, written by
-- vouch_review() in the same transaction as the finding's new status, with
-- who made it: the database user, never a name typed on a command line.
-- reviews is append-only: no UPDATE, DELETE or TRUNCATE gets through, for
-- anyone, vouch's own role included.

CREATE TABLE review_reasons (
    reason  text PRIMARY KEY,
    label   text NOT NULL,   -- Chinese
    label_en text NOT NULL
);
INSERT INTO review_reasons VALUES
    ('explained', '有合理解释', 'explained by the unit, with support'),
    ('false_positive', '误报', 'the rule misread the line'),
    ('immaterial', '金额不重大', 'below materiality'),
    ('corrected', '已整改', 'corrected by the unit'),
    ('duplicate', '重复', 'the same issue as another finding');

CREATE TABLE reviews (
    review_id   bigserial PRIMARY KEY,
    finding_id  bigint NOT NULL,
    org_id      int NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    who         text NOT NULL DEFAULT session_user,
    from_status text NOT NULL,
    to_status   text NOT NULL CHECK (to_status IN ('open', 'confirmed', 'dismissed')),
    reason      text REFERENCES review_reasons,
    note        text NOT NULL,
    CHECK ((to_status = 'dismissed') = (reason IS NOT NULL))
);
CREATE INDEX reviews_finding ON reviews (finding_id, review_id);

CREATE FUNCTION vouch_reviews_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the review history is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION vouch_reviews_append_only();
CREATE TRIGGER reviews_no_truncate BEFORE TRUNCATE ON reviews
    FOR EACH STATEMENT EXECUTE FUNCTION vouch_reviews_append_only();

-- Change a finding's status: open -> confirmed | dismissed, confirmed |
-- dismissed -> open (reopen); dismissed needs a reason of review_reasons;
-- every change needs a note. Raises (SQLSTATE 22023) on anything else.
-- Returns the history row.
CREATE FUNCTION vouch_review(p_finding bigint, p_to text, p_reason text, p_note text)
RETURNS reviews LANGUAGE plpgsql AS $$
DECLARE
    f findings%ROWTYPE;
    r reviews%ROWTYPE;
BEGIN
    SELECT * INTO f FROM findings WHERE finding_id = p_finding FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no finding %', p_finding USING ERRCODE = 'no_data_found';
    END IF;
    IF coalesce(btrim(p_note), '') = '' THEN
        RAISE EXCEPTION 'a note is required: say why' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_to = 'open' AND f.status NOT IN ('confirmed', 'dismissed') THEN
        RAISE EXCEPTION 'finding % is %: only a confirmed or dismissed finding reopens',
            p_finding, f.status USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_to IN ('confirmed', 'dismissed') AND f.status <> 'open' THEN
        RAISE EXCEPTION 'finding % is %: reopen it first', p_finding, f.status
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_to NOT IN ('open', 'confirmed', 'dismissed') THEN
        RAISE EXCEPTION 'no status %', p_to USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_to = 'dismissed' AND NOT EXISTS (SELECT 1 FROM review_reasons WHERE reason = p_reason) THEN
        RAISE EXCEPTION 'a dismissal needs a reason: %',
            (SELECT string_agg(reason, ', ' ORDER BY reason) FROM review_reasons)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE findings SET status = p_to WHERE finding_id = p_finding;
    INSERT INTO reviews (finding_id, org_id, from_status, to_status, reason, note)
    VALUES (p_finding, f.org_id, f.status, p_to,
            CASE WHEN p_to = 'dismissed' THEN p_reason END, btrim(p_note))
    RETURNING * INTO r;
    RETURN r;
END $$;
