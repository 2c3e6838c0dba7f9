-- Undo requests from `moat incidents undo`, carried out by the running bot (which polls this
-- table), so that its rate limits hold; one row a request, with who asked and what happened.
CREATE TABLE undo_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    incident_id  INTEGER NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    claimed_at   INTEGER,
    done_at      INTEGER,
    outcome      TEXT
);
CREATE INDEX undo_requests_open ON undo_requests (claimed_at, id);
