-- What a guild had before moat locked it down (verification level, paused invites and DMs),
-- so that a bot restarted during a lockdown restores the guild's own settings at the end.
CREATE TABLE lockdown_saved (
    guild_id BIGINT PRIMARY KEY,
    saved    TEXT NOT NULL,
    saved_at BIGINT NOT NULL
);
