-- 017: lines and findings partitioned by fiscal year and period (issue 10).
--
-- Both tables are partitioned by RANGE (fiscal_year, period), one partition
-- a fiscal year (lines_y2022: (2022, 1) up to (2023, 1), periods 1 to 16),
-- and a default partition for the years that have none. Their unique keys
-- already held (org_id, fiscal_year, period) since 001, so no key changes;
-- findings' lone unique index on finding_id cannot stay unique (a unique
-- index of a partitioned table holds the partition key): it becomes a plain
-- index, and the sequence still gives every finding its own id.
--
-- vouchd makes a year's partitions before it stores a ledger of that year
-- (vouch_partition_year, below, in a transaction of its own: making a
-- partition locks its parent). A line of a year without its partition, as
-- one of a second year in the same file, goes to the default partition, and
-- before the ledger's transaction commits vouchd makes that year's
-- partitions too, which moves those lines (and their findings) out of the
-- default. An operator
-- may make years ahead: SELECT vouch_partition_year(2027).
--
-- Partitions are reached through their parent: its row-level security
-- applies there, and not when a partition is read by name, so the roles
-- have no privilege on partitions (and row-level security is on for them
-- too, should one be granted).
--
-- The existing rows move in this migration, in its one transaction, with the
-- tables locked: a one-time cost of about a COPY of every line
-- (deploy/README.md, "Upgrading to partitioned tables").

-- the partitions' protection: no privilege for the roles, the parent's policy
CREATE FUNCTION vouch_partition_protect(part regclass) RETURNS void
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    r text;
BEGIN
    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', part);
    FOREACH r IN ARRAY ARRAY['vouch_auditor', 'vouch_supervisor', 'vouch_admin', 'vouch_ingest'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('REVOKE ALL ON %s FROM %I', part, r);
        END IF;
    END LOOP;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', part);
    EXECUTE format('CREATE POLICY %I ON %s USING (org_id IN (SELECT vouch_visible_orgs()))',
                   part::text || '_by_unit', part);
END $$;

-- The functions bound to a table: those taking or returning its rows, and
-- those with an SQL-standard body that reads it. They are dropped here and
-- made again, from their own definitions, once the new table stands; so are
-- other tables' policies that read it (lvl 1000: after the functions).
CREATE TEMPORARY TABLE vouch_017_functions (def text, sig text, acl aclitem[], lvl int);
CREATE FUNCTION vouch_017_functions_aside(t regclass) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    f record;
BEGIN
    -- and the functions whose SQL-standard bodies call those, and so on:
    -- dropped the most dependent first
    FOR f IN WITH RECURSIVE dep (oid, lvl) AS (
                 SELECT d.objid, 1 FROM pg_depend d
                 WHERE d.classid = 'pg_proc'::regclass
                   AND ((d.refclassid = 'pg_class'::regclass AND d.refobjid = t)
                        OR (d.refclassid = 'pg_type'::regclass
                            AND d.refobjid = (SELECT reltype FROM pg_class WHERE oid = t)))
                 UNION
                 SELECT d.objid, dep.lvl + 1 FROM pg_depend d JOIN dep
                     ON d.refclassid = 'pg_proc'::regclass AND d.refobjid = dep.oid
                 WHERE d.classid = 'pg_proc'::regclass AND dep.lvl < 32)
             SELECT p.oid, p.oid::regprocedure::text AS sig, p.proacl, max(dep.lvl) AS lvl
             FROM dep JOIN pg_proc p ON p.oid = dep.oid
             GROUP BY p.oid ORDER BY 4 DESC LOOP
        INSERT INTO vouch_017_functions VALUES (pg_get_functiondef(f.oid), f.sig, f.proacl, f.lvl);
        EXECUTE format('DROP FUNCTION %s', f.sig);
    END LOOP;
END $$;
CREATE FUNCTION vouch_017_functions_back() RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    f record;
    a record;
BEGIN
    FOR f IN SELECT * FROM vouch_017_functions ORDER BY lvl LOOP
        EXECUTE f.def;
        IF f.acl IS NOT NULL THEN
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.sig);
            FOR a IN SELECT x.grantee FROM aclexplode(f.acl) x
                     WHERE x.privilege_type = 'EXECUTE' LOOP
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', f.sig,
                               CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                    ELSE quote_ident(a.grantee::regrole::text) END);
            END LOOP;
        END IF;
    END LOOP;
END $$;

-- the old table renamed aside with its indexes and constraints, so that the
-- new one takes their names
CREATE FUNCTION vouch_017_aside(t text) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    i record;
BEGIN
    PERFORM vouch_017_functions_aside(t::regclass);
    -- other tables' policies that read it (013's digest_findings_by_unit)
    FOR i IN SELECT p.*, format('%I.%I', p.schemaname, p.tablename) AS tab
             FROM pg_policies p JOIN pg_policy o ON o.polname = p.policyname
                 AND o.polrelid = format('%I.%I', p.schemaname, p.tablename)::regclass
             WHERE o.polrelid <> t::regclass AND o.oid IN (
                 SELECT objid FROM pg_depend WHERE classid = 'pg_policy'::regclass
                   AND refclassid = 'pg_class'::regclass AND refobjid = t::regclass) LOOP
        INSERT INTO vouch_017_functions VALUES (
            format('CREATE POLICY %I ON %s AS %s FOR %s TO %s%s%s', i.policyname, i.tab,
                   i.permissive, i.cmd,
                   (SELECT string_agg(CASE WHEN r = 'public' THEN 'PUBLIC' ELSE quote_ident(r) END,
                                      ', ') FROM unnest(i.roles) r),
                   ' USING (' || i.qual || ')', ' WITH CHECK (' || i.with_check || ')'),
            NULL, NULL, 1000);
        EXECUTE format('DROP POLICY %I ON %s', i.policyname, i.tab);
    END LOOP;
    EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_old');
    FOR i IN SELECT indexrelid::regclass::text AS name FROM pg_index
             WHERE indrelid = (t || '_old')::regclass LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', i.name, i.name || '_old');
    END LOOP;
    FOR i IN SELECT conname FROM pg_constraint
             WHERE conrelid = (t || '_old')::regclass AND contype IN ('c', 'f') LOOP
        EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', t || '_old', i.conname,
                       i.conname || '_old');
    END LOOP;
END $$;

-- Make fiscal year y's partitions of lines and findings if they are missing,
-- moving any rows of y out of the default partition into them. Returns true
-- when it made one. SECURITY DEFINER: vouchd may run as vouch_ingest, which
-- owns no table.
CREATE FUNCTION vouch_partition_year(y int) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t text;
    made boolean := false;
BEGIN
    IF y NOT BETWEEN 1000 AND 9998 THEN
        RETURN false;
    END IF;
    IF to_regclass('lines_y' || y) IS NOT NULL AND to_regclass('findings_y' || y) IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('vouch_partition_year'));
    FOREACH t IN ARRAY ARRAY['lines', 'findings'] LOOP
        CONTINUE WHEN to_regclass(t || '_y' || y) IS NOT NULL;
        -- made apart and attached: attaching locks the parent less than
        -- CREATE ... PARTITION OF would, and the default's rows of y move in
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       t || '_y' || y, t);
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE fiscal_year = %s RETURNING *)'
                       ' INSERT INTO %I SELECT * FROM moved', t || '_default', y, t || '_y' || y);
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%s, 1) TO (%s, 1)',
                       t, t || '_y' || y, y, y + 1);
        PERFORM vouch_partition_protect((t || '_y' || y)::regclass);
        made := true;
    END LOOP;
    RETURN made;
END $$;
REVOKE ALL ON FUNCTION vouch_partition_year(int) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_ingest') THEN
        GRANT EXECUTE ON FUNCTION vouch_partition_year(int) TO vouch_ingest;
    END IF;
END $$;

SELECT vouch_017_aside('lines');
SELECT vouch_017_aside('findings');
ALTER SEQUENCE findings_finding_id_seq OWNED BY NONE;

CREATE TABLE lines (LIKE lines_old INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (fiscal_year, period);
ALTER TABLE lines ADD PRIMARY KEY (ledger_id, seq, org_id, fiscal_year, period);
CREATE INDEX lines_voucher ON lines (org_id, fiscal_year, period, voucher_word, voucher_no);
CREATE INDEX lines_contract ON lines (org_id, contract_no) WHERE contract_no IS NOT NULL;
CREATE INDEX lines_org_date ON lines (org_id, voucher_date) WHERE debit > 0;

CREATE TABLE findings (LIKE findings_old INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (fiscal_year, period);
ALTER TABLE findings ADD PRIMARY KEY (org_id, fiscal_year, period, finding_id);
ALTER TABLE findings ADD UNIQUE (org_id, fiscal_year, period, ledger_id, seq, rule);
ALTER TABLE findings ADD FOREIGN KEY (ledger_id) REFERENCES ledgers;
ALTER SEQUENCE findings_finding_id_seq OWNED BY findings.finding_id;
CREATE INDEX findings_id ON findings (finding_id);
CREATE INDEX findings_ledger ON findings (ledger_id, seq);
CREATE INDEX findings_assignee ON findings (assignee) WHERE assignee IS NOT NULL;
-- "one rule across a year": the rule within a year's partition
CREATE INDEX findings_rule ON findings (rule, org_id);

-- the CHECK constraints came over with their _old names
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT conrelid::regclass::text AS t, conname FROM pg_constraint
             WHERE conrelid IN ('lines'::regclass, 'findings'::regclass) AND contype = 'c'
               AND conname LIKE '%\_old' LOOP
        EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', c.t, c.conname,
                       left(c.conname, -4));
    END LOOP;
END $$;

CREATE TABLE lines_default PARTITION OF lines DEFAULT;
CREATE TABLE findings_default PARTITION OF findings DEFAULT;
SELECT vouch_partition_protect('lines_default');
SELECT vouch_partition_protect('findings_default');
SELECT vouch_partition_year(y)
FROM (SELECT DISTINCT fiscal_year AS y FROM lines_old
      UNION SELECT DISTINCT fiscal_year FROM findings_old) x;

INSERT INTO lines SELECT * FROM lines_old;
INSERT INTO findings SELECT * FROM findings_old;

-- what 009 and 013 granted on the old tables, and 013's policies
GRANT SELECT ON lines, findings TO vouch_auditor, vouch_supervisor, vouch_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON lines, findings TO vouch_ingest;
ALTER TABLE lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY lines_by_unit ON lines USING (org_id IN (SELECT vouch_visible_orgs()));
CREATE POLICY findings_by_unit ON findings USING (org_id IN (SELECT vouch_visible_orgs()));

-- 010's trigger: new findings meet the suppressions as they are stored
CREATE TRIGGER findings_suppress AFTER INSERT ON findings
    REFERENCING NEW TABLE AS ins FOR EACH STATEMENT EXECUTE FUNCTION vouch_findings_suppress();

-- the functions bound to the old tables, made again for the new ones
SELECT vouch_017_functions_back();

-- fails here, loudly, if anything else still depends on the old tables
DROP TABLE lines_old;
DROP TABLE findings_old;
DROP FUNCTION vouch_017_aside(text);
DROP FUNCTION vouch_017_functions_aside(regclass);
DROP FUNCTION vouch_017_functions_back();
DROP TABLE vouch_017_functions;
