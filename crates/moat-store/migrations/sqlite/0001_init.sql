-- moat's store, SQLite dialect. Ids and times are 64-bit integers (Unix milliseconds).
-- Every table but the pools' is keyed by guild_id first: every query is scoped by guild.

CREATE TABLE guilds (
    guild_id                INTEGER PRIMARY KEY,
    joined_at               INTEGER NOT NULL,
    left_at                 INTEGER,
    evidence_retention_days INTEGER
);

CREATE TABLE guild_settings (
    guild_id   INTEGER PRIMARY KEY,
    toml       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at INTEGER NOT NULL
);

CREATE TABLE settings_history (
    guild_id   INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    toml       TEXT NOT NULL,
    previous   TEXT,
    changed_by TEXT NOT NULL,
    source     TEXT NOT NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, version)
);

CREATE TABLE incidents (
    guild_id       INTEGER NOT NULL,
    incident_id    INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    detector       TEXT NOT NULL,
    opened_at      INTEGER NOT NULL,
    last_action_at INTEGER NOT NULL,
    closed_at      INTEGER,
    lockdown_until INTEGER,
    action_count   INTEGER NOT NULL,
    undone_at      INTEGER,
    undone_by      TEXT,
    PRIMARY KEY (guild_id, incident_id)
);
CREATE INDEX incidents_opened ON incidents (guild_id, opened_at);

CREATE TABLE incident_members (
    guild_id    INTEGER NOT NULL,
    incident_id INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    first_at    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, incident_id, user_id)
);

CREATE TABLE actions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    incident_id INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    detector    TEXT NOT NULL,
    body        TEXT NOT NULL,
    fingerprint INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX actions_incident ON actions (guild_id, incident_id, ts);
-- The same action recorded twice (a replay run again, a batch retried after a commit whose
-- outcome was lost) is recognised by its fingerprint and skipped.
CREATE UNIQUE INDEX actions_fingerprint ON actions (guild_id, fingerprint);

CREATE TABLE evidence (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id        INTEGER NOT NULL,
    incident_id     INTEGER NOT NULL,
    action_id       INTEGER NOT NULL,
    message_id      INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    author_id       INTEGER NOT NULL,
    ts              INTEGER NOT NULL,
    content         TEXT NOT NULL,
    attachment_urls TEXT NOT NULL,
    reason          TEXT NOT NULL,
    recorded_at     INTEGER NOT NULL
);
CREATE INDEX evidence_incident ON evidence (guild_id, incident_id);
CREATE INDEX evidence_recorded ON evidence (recorded_at);

CREATE TABLE timers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    incident_id INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    user_id     INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    fired_at    INTEGER,
    outcome     TEXT
);
CREATE INDEX timers_due ON timers (fired_at, due_at);
CREATE INDEX timers_guild ON timers (guild_id, kind, user_id);

CREATE TABLE strikes (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    milli      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE ban_pools (
    pool_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    owner_guild INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE ban_pool_invites (
    pool_id    INTEGER NOT NULL,
    guild_id   INTEGER NOT NULL,
    invited_at INTEGER NOT NULL,
    PRIMARY KEY (pool_id, guild_id)
);

CREATE TABLE ban_pool_members (
    pool_id   INTEGER NOT NULL,
    guild_id  INTEGER NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (pool_id, guild_id)
);
CREATE INDEX ban_pool_members_guild ON ban_pool_members (guild_id);

CREATE TABLE pool_bans (
    pool_id      INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    source_guild INTEGER NOT NULL,
    incident_id  INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    banned_at    INTEGER NOT NULL,
    PRIMARY KEY (pool_id, user_id)
);
