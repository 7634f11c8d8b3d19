-- Annual reports: one PDF a person asked for, for a year, with their certificates
-- bundled. Made by a worker process off the request path; kept in storage like a
-- certificate (the object is written before the row says `ready`).
CREATE TABLE reports (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id),
    firm_id        TEXT NOT NULL REFERENCES firms (id),
    year           BIGINT NOT NULL,
    language       TEXT NOT NULL CHECK (language IN ('en', 'sv')),
    -- queued → running → ready, or failed (with a code in `problem`).
    status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed')),
    problem        TEXT,
    -- Steps done of all, while it runs (the page shows the share).
    steps_done     BIGINT NOT NULL DEFAULT 0,
    steps_total    BIGINT NOT NULL DEFAULT 0,
    -- FIRM_ID/REPORT_ID once stored.
    object_key     TEXT UNIQUE,
    size_bytes     BIGINT,
    -- Of the whole file: what the public verification page compares with.
    sha256         TEXT,
    pages          BIGINT,
    -- Certificates the report names but could not include.
    left_out       BIGINT NOT NULL DEFAULT 0,
    created_at_us  BIGINT NOT NULL,
    finished_at_us BIGINT
);
-- A person's reports, newest first.
CREATE INDEX reports_user ON reports (user_id, created_at_us);
