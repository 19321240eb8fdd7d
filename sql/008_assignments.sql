-- 008: who is to look at a finding. findings.assignee is the current one;
-- assignments keeps every assignment, append-only as the review history.
ALTER TABLE findings ADD COLUMN assignee text;
CREATE INDEX findings_assignee ON findings (assignee) WHERE assignee IS NOT NULL;

CREATE TABLE assignments (
    assignment_id bigserial PRIMARY KEY,
    finding_id    bigint NOT NULL,
    org_id        int NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    who           text NOT NULL DEFAULT session_user,
    from_name     text,
    to_name       text NOT NULL CHECK (btrim(to_name) <> '')
);
CREATE INDEX assignments_finding ON assignments (finding_id, assignment_id);
CREATE TRIGGER assignments_append_only BEFORE UPDATE OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION vouch_reviews_append_only();
CREATE TRIGGER assignments_no_truncate BEFORE TRUNCATE ON assignments
    FOR EACH STATEMENT EXECUTE FUNCTION vouch_reviews_append_only();

-- Assign a finding to a person (by name, trimmed); raises (P0002) for no
-- such finding. Returns the assignment row.
CREATE FUNCTION vouch_assign(p_finding bigint, p_to text) RETURNS assignments
    LANGUAGE plpgsql AS $$
DECLARE
    f findings%ROWTYPE;
    a assignments%ROWTYPE;
BEGIN
    SELECT * INTO f FROM findings WHERE finding_id = p_finding FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no finding %', p_finding USING ERRCODE = 'no_data_found';
    END IF;
    IF coalesce(btrim(p_to), '') = '' THEN
        RAISE EXCEPTION 'assign to whom?' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE findings SET assignee = btrim(p_to) WHERE finding_id = p_finding;
    INSERT INTO assignments (finding_id, org_id, from_name, to_name)
    VALUES (p_finding, f.org_id, f.assignee, btrim(p_to))
    RETURNING * INTO a;
    RETURN a;
END $$;
