-- Undo requests from `moat incidents undo`, carried out by the running bot (which polls this
-- table), so that its rate limits hold; one row a request, with who asked and what happened.
CREATE TABLE undo_requests (
    id           BIGSERIAL PRIMARY KEY,
    guild_id     BIGINT NOT NULL,
    incident_id  BIGINT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    claimed_at   BIGINT,
    done_at      BIGINT,
    outcome      TEXT
);
CREATE INDEX undo_requests_open ON undo_requests (claimed_at, id);
