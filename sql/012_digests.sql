-- 012: supervisors' digests. A subscription names units, a lowest severity,
-- a rhythm and where its digests go. vouchd makes a digest when one is due
-- (or on `vouchctl digest send`) and delivers it, trying again with back-off
-- until it is delivered: at least once, never skipped.
--
-- Each finding enters exactly one digest per subscription: digest_findings
-- holds, per subscription, every finding that went into one, and is written
-- in the transaction that records the digest. Its primary key makes a second
-- entry impossible, and a finding not in it is new: unlike a watermark on
-- finding ids, this loses no finding that committed after a higher id did.
-- Suppressed and superseded findings wait: one that is lifted or carried
-- later enters the next digest then.

CREATE TABLE subscriptions (
    subscription_id serial PRIMARY KEY,
    name           text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 64),
    orgs           text[] NOT NULL CHECK (cardinality(orgs) > 0),  -- units by name
    min_severity   text NOT NULL DEFAULT 'low' CHECK (min_severity IN ('high', 'medium', 'low')),
    every          interval NOT NULL DEFAULT '1 day' CHECK (every >= interval '1 hour'),
    at_time        time,                    -- when in the day the first is due; NULL: now
    channel        text NOT NULL CHECK (channel IN ('dir', 'webhook', 'mail')),
    target         text NOT NULL CHECK (btrim(target) <> ''),
    webhook_format text CHECK (webhook_format IN ('json', 'wecom', 'dingtalk')),
    when_empty     text NOT NULL DEFAULT 'skip' CHECK (when_empty IN ('skip', 'brief')),
    next_due       timestamptz NOT NULL,
    review_mark    bigint NOT NULL DEFAULT 0,  -- the last review reported as a change
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text NOT NULL DEFAULT session_user,
    removed_at     timestamptz,
    CHECK ((channel = 'webhook') = (webhook_format IS NOT NULL))
);
-- a name is taken while its subscription is active
CREATE UNIQUE INDEX subscriptions_name ON subscriptions (name) WHERE removed_at IS NULL;

CREATE TABLE digests (
    digest_id       bigserial PRIMARY KEY,
    subscription_id int NOT NULL REFERENCES subscriptions,
    made_at         timestamptz NOT NULL DEFAULT now(),
    since           timestamptz,            -- the subscription's digest before
    findings        int NOT NULL,
    content         jsonb NOT NULL,         -- what every rendering shows (accounts masked)
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    delivered_at    timestamptz
);
CREATE INDEX digests_pending ON digests (next_attempt_at) WHERE state = 'pending';
CREATE INDEX digests_subscription ON digests (subscription_id, digest_id);

CREATE TABLE digest_findings (
    subscription_id int NOT NULL,
    finding_id      bigint NOT NULL,
    digest_id       bigint NOT NULL REFERENCES digests,
    PRIMARY KEY (subscription_id, finding_id)
);

-- When a subscription is first due: at at_time today or tomorrow, or now.
CREATE FUNCTION vouch_subscription_first_due(p_at time) RETURNS timestamptz
    LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_at IS NULL THEN now()
                WHEN date_trunc('day', now()) + p_at > now() THEN date_trunc('day', now()) + p_at
                ELSE date_trunc('day', now()) + interval '1 day' + p_at END
$$;

-- The next due time after a digest: the slot after now, on the rhythm.
CREATE FUNCTION vouch_subscription_next_due(p_due timestamptz, p_every interval)
RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT p_due + p_every * greatest(1, ceil(extract(epoch FROM now() - p_due)
                                              / extract(epoch FROM p_every)))::int
$$;

-- Remove a subscription: it makes no more digests; those made stay, and
-- pending ones are still delivered. Raises P0002 for no such subscription.
CREATE FUNCTION vouch_subscription_remove(p_name text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    UPDATE subscriptions SET removed_at = now() WHERE name = p_name AND removed_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no subscription %', p_name USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 'subscription ' || p_name || ' removed';
END $$;
