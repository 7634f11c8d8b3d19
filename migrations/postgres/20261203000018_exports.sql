-- "Download all my data": one ZIP per request, made off the request path (queued →
-- running → ready, or failed), kept for 7 days, then removed with its file.
CREATE TABLE exports (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id),
    firm_id        TEXT NOT NULL REFERENCES firms (id),
    status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed')),
    steps_done     BIGINT NOT NULL DEFAULT 0,
    steps_total    BIGINT NOT NULL DEFAULT 0,
    object_key     TEXT UNIQUE,
    size_bytes     BIGINT,
    created_at_us  BIGINT NOT NULL,
    finished_at_us BIGINT,
    expires_at_us  BIGINT
);
CREATE INDEX exports_user ON exports (user_id, created_at_us);
CREATE INDEX exports_expiry ON exports (expires_at_us);
