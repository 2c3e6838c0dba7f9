-- moat's store, PostgreSQL dialect. Ids and times are 64-bit integers (Unix milliseconds).
-- Every table but the pools' is keyed by guild_id first: every query is scoped by guild.

CREATE TABLE guilds (
    guild_id                BIGINT PRIMARY KEY,
    joined_at               BIGINT NOT NULL,
    left_at                 BIGINT,
    evidence_retention_days BIGINT
);

CREATE TABLE guild_settings (
    guild_id   BIGINT PRIMARY KEY,
    toml       TEXT NOT NULL,
    version    BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);

CREATE TABLE settings_history (
    guild_id   BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    toml       TEXT NOT NULL,
    previous   TEXT,
    changed_by TEXT NOT NULL,
    source     TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, version)
);

CREATE TABLE incidents (
    guild_id       BIGINT NOT NULL,
    incident_id    BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    detector       TEXT NOT NULL,
    opened_at      BIGINT NOT NULL,
    last_action_at BIGINT NOT NULL,
    closed_at      BIGINT,
    lockdown_until BIGINT,
    action_count   BIGINT NOT NULL,
    undone_at      BIGINT,
    undone_by      TEXT,
    PRIMARY KEY (guild_id, incident_id)
);
CREATE INDEX incidents_opened ON incidents (guild_id, opened_at);

CREATE TABLE incident_members (
    guild_id    BIGINT NOT NULL,
    incident_id BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    first_at    BIGINT NOT NULL,
    PRIMARY KEY (guild_id, incident_id, user_id)
);

CREATE TABLE actions (
    id          BIGSERIAL PRIMARY KEY,
    guild_id    BIGINT NOT NULL,
    incident_id BIGINT NOT NULL,
    ts          BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    detector    TEXT NOT NULL,
    body        TEXT NOT NULL,
    fingerprint BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX actions_incident ON actions (guild_id, incident_id, ts);
-- The same action recorded twice (a replay run again, a batch retried after a commit whose
-- outcome was lost) is recognised by its fingerprint and skipped.
CREATE UNIQUE INDEX actions_fingerprint ON actions (guild_id, fingerprint);

CREATE TABLE evidence (
    id              BIGSERIAL PRIMARY KEY,
    guild_id        BIGINT NOT NULL,
    incident_id     BIGINT NOT NULL,
    action_id       BIGINT NOT NULL,
    message_id      BIGINT NOT NULL,
    channel_id      BIGINT NOT NULL,
    author_id       BIGINT NOT NULL,
    ts              BIGINT NOT NULL,
    content         TEXT NOT NULL,
    attachment_urls TEXT NOT NULL,
    reason          TEXT NOT NULL,
    recorded_at     BIGINT NOT NULL
);
CREATE INDEX evidence_incident ON evidence (guild_id, incident_id);
CREATE INDEX evidence_recorded ON evidence (recorded_at);

CREATE TABLE timers (
    id          BIGSERIAL PRIMARY KEY,
    guild_id    BIGINT NOT NULL,
    incident_id BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    user_id     BIGINT NOT NULL,
    due_at      BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    fired_at    BIGINT,
    outcome     TEXT
);
CREATE INDEX timers_due ON timers (fired_at, due_at);
CREATE INDEX timers_guild ON timers (guild_id, kind, user_id);

CREATE TABLE strikes (
    guild_id   BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    milli      BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE ban_pools (
    pool_id     BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    owner_guild BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE ban_pool_invites (
    pool_id    BIGINT NOT NULL,
    guild_id   BIGINT NOT NULL,
    invited_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, guild_id)
);

CREATE TABLE ban_pool_members (
    pool_id   BIGINT NOT NULL,
    guild_id  BIGINT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, guild_id)
);
CREATE INDEX ban_pool_members_guild ON ban_pool_members (guild_id);

CREATE TABLE pool_bans (
    pool_id      BIGINT NOT NULL,
    user_id      BIGINT NOT NULL,
    source_guild BIGINT NOT NULL,
    incident_id  BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    banned_at    BIGINT NOT NULL,
    PRIMARY KEY (pool_id, user_id)
);
