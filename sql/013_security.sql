-- 013: who sees what. Roles, and row-level security by unit.
--
--   vouch_ingest      vouchd's work: reads and writes every unit's rows. Its
--                     login role (`CREATE ROLE vouchd LOGIN BYPASSRLS IN ROLE
--                     vouch_ingest`, by a superuser) bypasses row-level
--                     security, which COPY needs; it owns nothing, so it can
--                     alter, drop or create nothing
--   vouch_auditor     reads its units; reviews, assigns, suppresses there
--   vouch_supervisor  reads its units; changes nothing
--   vouch_admin       reads every unit; reviews, adds users
--
-- A user (009) now has a role and the units it may see (users.orgs, names
-- as stored). Every table that holds a unit's rows has a policy: a row is
-- visible when its unit is one of vouch_visible_orgs(), which is every unit
-- for an admin, for vouch_ingest and for vouch's own role (the owner, which
-- row-level security does not bind anyway), and the user's units otherwise;
-- a role vouch does not know sees none. The functions that change findings
-- run as the owner (SECURITY DEFINER) and check the same themselves: a
-- finding of another unit is "no finding" to them.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_supervisor') THEN
        CREATE ROLE vouch_supervisor NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_admin') THEN
        CREATE ROLE vouch_admin NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_ingest') THEN
        CREATE ROLE vouch_ingest NOLOGIN;
    END IF;
END $$;

ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'auditor'
    CHECK (role IN ('auditor', 'supervisor', 'admin'));
ALTER TABLE users ADD COLUMN orgs text[] NOT NULL DEFAULT '{}';
ALTER TABLE users ALTER COLUMN person DROP NOT NULL;  -- a supervisor reviews nothing

GRANT USAGE ON SCHEMA public TO vouch_supervisor, vouch_admin, vouch_ingest;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO vouch_supervisor, vouch_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO vouch_supervisor, vouch_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO vouch_ingest;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO vouch_ingest;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO vouch_ingest;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO vouch_ingest;

-- vouch's own role: the owner of its tables
CREATE FUNCTION vouch_is_owner() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT session_user::name = (SELECT relowner::regrole::name FROM pg_class
                                 WHERE oid = 'public.findings'::regclass)
$$;

-- The session's user, if vouch knows it (NULL columns when not).
CREATE FUNCTION vouch_session_user() RETURNS users LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
    SELECT u.* FROM (SELECT 1) one
    LEFT JOIN users u ON u.name = session_user AND u.removed_at IS NULL
$$;

-- The units the session's user may see, as org ids.
CREATE FUNCTION vouch_visible_orgs() RETURNS SETOF int LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
DECLARE
    u users := vouch_session_user();
BEGIN
    IF vouch_is_owner() OR u.role = 'admin'
       OR (u.name IS NULL AND pg_has_role(session_user, 'vouch_ingest', 'MEMBER')) THEN
        RETURN QUERY SELECT org_id FROM orgs;
    ELSIF u.name IS NOT NULL THEN
        RETURN QUERY SELECT org_id FROM orgs WHERE name = ANY (u.orgs);
    END IF;
END $$;

-- The user may change findings (review, assign, suppress): an auditor or an
-- admin, or vouch's own role. Raises for a supervisor or a stranger.
CREATE FUNCTION vouch_require_reviewer() RETURNS void LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
DECLARE
    u users := vouch_session_user();
BEGIN
    IF NOT (vouch_is_owner() OR coalesce(u.role IN ('auditor', 'admin'), false)) THEN
        RAISE EXCEPTION 'database user % may not change findings: % reads only',
            session_user, coalesce(u.role, 'a role vouch does not know')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

-- A finding the user may see, or "no finding" (the same words as for one
-- that does not exist: another unit's ids give nothing away).
CREATE FUNCTION vouch_require_visible_finding(p_finding bigint) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM findings WHERE finding_id = p_finding
                   AND org_id IN (SELECT vouch_visible_orgs())) THEN
        RAISE EXCEPTION 'no finding %', p_finding USING ERRCODE = 'no_data_found';
    END IF;
END $$;

-- the policies: a row of a unit the user may see
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['orgs', 'ledgers', 'lines', 'vouchers', 'batches', 'findings',
                             'reviews', 'assignments', 'suppressions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (org_id IN (SELECT vouch_visible_orgs()))',
                       t || '_by_unit', t);
    END LOOP;
END $$;

-- the units a user names
CREATE FUNCTION vouch_visible_org_names() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT name FROM orgs WHERE org_id IN (SELECT vouch_visible_orgs())
$$;

-- a subscription, and its digests, when every unit it names is visible
ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY subscriptions_by_unit ON subscriptions
    USING (orgs <@ ARRAY(SELECT vouch_visible_org_names()));
ALTER TABLE digests ENABLE ROW LEVEL SECURITY;
CREATE POLICY digests_by_unit ON digests
    USING (subscription_id IN (SELECT subscription_id FROM subscriptions));
ALTER TABLE digest_findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY digest_findings_by_unit ON digest_findings
    USING (finding_id IN (SELECT finding_id FROM findings));
-- a user sees its own row; an admin every row
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_self ON users
    USING (name = session_user OR vouch_is_owner() OR (vouch_session_user()).role = 'admin');

-- The functions that change findings check role and unit first.
ALTER FUNCTION vouch_review(bigint, text, text, text) RENAME TO vouch_review_unguarded;
REVOKE EXECUTE ON FUNCTION vouch_review_unguarded(bigint, text, text, text) FROM PUBLIC;
CREATE FUNCTION vouch_review(p_finding bigint, p_to text, p_reason text, p_note text)
RETURNS reviews LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM vouch_require_reviewer();
    PERFORM vouch_require_visible_finding(p_finding);
    RETURN vouch_review_unguarded(p_finding, p_to, p_reason, p_note);
END $$;

ALTER FUNCTION vouch_assign(bigint, text) RENAME TO vouch_assign_unguarded;
REVOKE EXECUTE ON FUNCTION vouch_assign_unguarded(bigint, text) FROM PUBLIC;
CREATE FUNCTION vouch_assign(p_finding bigint, p_to text) RETURNS assignments
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM vouch_require_reviewer();
    PERFORM vouch_require_visible_finding(p_finding);
    RETURN vouch_assign_unguarded(p_finding, p_to);
END $$;

ALTER FUNCTION vouch_suppression_lift(bigint, text) RENAME TO vouch_suppression_lift_unguarded;
REVOKE EXECUTE ON FUNCTION vouch_suppression_lift_unguarded(bigint, text) FROM PUBLIC;
CREATE FUNCTION vouch_suppression_lift(p_id bigint, p_note text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM vouch_require_reviewer();
    IF NOT EXISTS (SELECT 1 FROM suppressions WHERE suppression_id = p_id
                   AND org_id IN (SELECT vouch_visible_orgs())) THEN
        RAISE EXCEPTION 'no active suppression %', p_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN vouch_suppression_lift_unguarded(p_id, p_note);
END $$;

-- Whether user is a member of role itself (not through superuser rights,
-- which pg_has_role counts): REVOKE of what was never granted only warns.
CREATE FUNCTION vouch_role_member(p_user text, p_role text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_auth_members m
                   JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                   WHERE g.rolname = p_role AND u.rolname = p_user)
$$;

-- Users: a role, the units it sees, and a person (an auditor's or admin's
-- reviews need one). Added by vouch's own role or an admin.
DROP FUNCTION vouch_user_add(text, text);
CREATE FUNCTION vouch_user_add(p_name text, p_person text, p_role text, p_orgs text[])
RETURNS users LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u users%ROWTYPE;
    me users := vouch_session_user();
    r text;
BEGIN
    IF NOT (vouch_is_owner() OR coalesce(me.role = 'admin', false)) THEN
        RAISE EXCEPTION 'only an admin adds users' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_name !~ '^[a-z_][a-z0-9_]{0,62}$' OR p_name LIKE 'vouch\_%' THEN
        RAISE EXCEPTION 'user name "%": lower-case letters, digits and _, not starting with a digit, not vouch_…', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_role NOT IN ('auditor', 'supervisor', 'admin') THEN
        RAISE EXCEPTION 'a role is auditor, supervisor or admin' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_role <> 'admin' AND coalesce(cardinality(p_orgs), 0) = 0 AND p_name <> session_user THEN
        RAISE EXCEPTION 'an % sees the units --org names: give at least one', p_role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_role <> 'supervisor' AND coalesce(btrim(p_person), '') = '' THEN
        RAISE EXCEPTION 'an % signs reviews: --person 姓名, as the ledgers write 制单人', p_role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO u FROM users WHERE name = p_name;
    IF FOUND AND u.removed_at IS NULL THEN
        RAISE EXCEPTION 'user % exists (person %)', p_name, u.person USING ERRCODE = 'duplicate_object';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_name);
    ELSIF p_name <> session_user THEN
        EXECUTE format('ALTER ROLE %I LOGIN', p_name);
    END IF;
    FOREACH r IN ARRAY ARRAY['vouch_auditor', 'vouch_supervisor', 'vouch_admin'] LOOP
        IF vouch_role_member(p_name, r) THEN
            EXECUTE format('REVOKE %I FROM %I', r, p_name);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', 'vouch_' || p_role, p_name);
    INSERT INTO users (name, person, role, orgs)
    VALUES (p_name, nullif(btrim(p_person), ''), p_role,
            ARRAY(SELECT DISTINCT normalize(btrim(x), NFKC) FROM unnest(p_orgs) x))
    ON CONFLICT (name) DO UPDATE SET person = EXCLUDED.person, role = EXCLUDED.role,
        orgs = EXCLUDED.orgs, created_at = now(), created_by = session_user, removed_at = NULL
    RETURNING * INTO u;
    RETURN u;
END $$;

-- Remove a user: no login, no vouch role; the row stays for the histories.
CREATE OR REPLACE FUNCTION vouch_user_remove(p_name text) RETURNS users
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u users%ROWTYPE;
    r text;
BEGIN
    IF NOT (vouch_is_owner() OR coalesce((vouch_session_user()).role = 'admin', false)) THEN
        RAISE EXCEPTION 'only an admin removes users' USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE users SET removed_at = now() WHERE name = p_name AND removed_at IS NULL
    RETURNING * INTO u;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no user %', p_name USING ERRCODE = 'no_data_found';
    END IF;
    IF p_name <> session_user THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
    END IF;
    FOREACH r IN ARRAY ARRAY['vouch_auditor', 'vouch_supervisor', 'vouch_admin'] LOOP
        IF vouch_role_member(p_name, r) THEN
            EXECUTE format('REVOKE %I FROM %I', r, p_name);
        END IF;
    END LOOP;
    RETURN u;
END $$;
