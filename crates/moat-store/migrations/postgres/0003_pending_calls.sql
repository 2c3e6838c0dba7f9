-- Calls to Discord that moat decided but had not sent when it was stopped (SIGTERM, Ctrl-C):
-- the next start sends those still due and drops the rest. One action a row, as the
-- engine's JSON (without evidence, which the actions table keeps).
CREATE TABLE pending_calls (
    id         BIGSERIAL PRIMARY KEY,
    guild_id   BIGINT NOT NULL,
    decided_at BIGINT NOT NULL,
    body       TEXT NOT NULL,
    kept_at    BIGINT NOT NULL
);
