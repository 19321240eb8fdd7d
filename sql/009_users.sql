-- 009: vouch's users, each a PostgreSQL role linked to a person's name, and
-- the rule that no one reviews the findings on a voucher they prepared.
--
-- A user logs in as their own role (VOUCH_USER, libpq's PGUSER or .pgpass),
-- so the history's "who" is the database's session_user, never a name typed
-- on a command line. users.person is the name as the ledgers write it in
-- 制单人 (lines.preparer). Until the security work adds the other roles and
-- row-level security, every user is a member of vouch_auditor: reads
-- everything, changes findings only through vouch_review() and vouch_assign().

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_auditor') THEN
        CREATE ROLE vouch_auditor NOLOGIN;
    END IF;
END $$;

CREATE TABLE users (
    name       text PRIMARY KEY,            -- the PostgreSQL role
    person     text NOT NULL CHECK (btrim(person) <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT session_user,
    removed_at timestamptz                  -- the role can no longer log in
);

GRANT USAGE ON SCHEMA public TO vouch_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO vouch_auditor;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO vouch_auditor;

-- Add a user: a login role NAME (created unless it exists) in vouch_auditor,
-- linked to a person. Raises 22023 for a bad name, 42710 for a user that
-- exists. Needs CREATEROLE: run by vouch's own role.
CREATE FUNCTION vouch_user_add(p_name text, p_person text) RETURNS users
    LANGUAGE plpgsql AS $$
DECLARE
    u users%ROWTYPE;
BEGIN
    IF p_name !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'user name "%": lower-case letters, digits and _, not starting with a digit', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(btrim(p_person), '') = '' THEN
        RAISE EXCEPTION 'a user is linked to a person: --person 姓名'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO u FROM users WHERE name = p_name;
    IF FOUND AND u.removed_at IS NULL THEN
        RAISE EXCEPTION 'user % exists (person %)', p_name, u.person USING ERRCODE = 'duplicate_object';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_name);
    ELSE
        EXECUTE format('ALTER ROLE %I LOGIN', p_name);
    END IF;
    EXECUTE format('GRANT vouch_auditor TO %I', p_name);
    INSERT INTO users (name, person) VALUES (p_name, btrim(p_person))
    ON CONFLICT (name) DO UPDATE SET person = EXCLUDED.person, created_at = now(),
        created_by = session_user, removed_at = NULL
    RETURNING * INTO u;
    RETURN u;
END $$;

-- Remove a user: the role loses its login and vouch_auditor; the users row
-- stays, so that the histories that name it still say who it was.
CREATE FUNCTION vouch_user_remove(p_name text) RETURNS users
    LANGUAGE plpgsql AS $$
DECLARE
    u users%ROWTYPE;
BEGIN
    UPDATE users SET removed_at = now() WHERE name = p_name AND removed_at IS NULL
    RETURNING * INTO u;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no user %', p_name USING ERRCODE = 'no_data_found';
    END IF;
    IF p_name <> session_user THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
    END IF;
    EXECUTE format('REVOKE vouch_auditor FROM %I', p_name);
    RETURN u;
END $$;
REVOKE EXECUTE ON FUNCTION vouch_user_add(text, text), vouch_user_remove(text) FROM PUBLIC;

-- The person behind the session's user, or a refusal: a review is signed by
-- a person.
CREATE FUNCTION vouch_session_person() RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    p text;
BEGIN
    SELECT person INTO p FROM users WHERE name = session_user AND removed_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'database user % is linked to no person: vouchctl user add % --person 姓名',
            session_user, session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN p;
END $$;

-- The review of 007, now behind two checks: the session's user is linked to
-- a person, and that person did not prepare (制单人) the voucher the finding
-- is on. Runs as vouch's role (SECURITY DEFINER); session_user is still the
-- user who logged in, and is what the history keeps.
ALTER FUNCTION vouch_review(bigint, text, text, text) RENAME TO vouch_review_move;
REVOKE EXECUTE ON FUNCTION vouch_review_move(bigint, text, text, text) FROM PUBLIC;

CREATE FUNCTION vouch_review(p_finding bigint, p_to text, p_reason text, p_note text)
RETURNS reviews LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := vouch_session_person();
    v text;
BEGIN
    SELECT vouch_voucher_label(o.voucher_word, o.voucher_no) INTO v
    FROM findings f
    JOIN lines l ON l.ledger_id = f.ledger_id AND l.seq = f.seq AND l.org_id = f.org_id
        AND l.fiscal_year = f.fiscal_year AND l.period = f.period
    JOIN lines o ON o.ledger_id = l.ledger_id AND o.org_id = l.org_id
        AND o.fiscal_year = l.fiscal_year AND o.period = l.period
        AND o.voucher_word = l.voucher_word AND o.voucher_no = l.voucher_no
    WHERE f.finding_id = p_finding AND btrim(o.preparer) = me
    LIMIT 1;
    IF v IS NOT NULL THEN
        RAISE EXCEPTION 'you (%, %) prepared voucher %: someone else reviews its findings',
            session_user, me, v USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN vouch_review_move(p_finding, p_to, p_reason, p_note);
END $$;

ALTER FUNCTION vouch_assign(bigint, text) SECURITY DEFINER;
ALTER FUNCTION vouch_assign(bigint, text) SET search_path = public, pg_temp;
