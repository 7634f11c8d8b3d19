-- The background jobs that keep retention promises (purges due, expired exports, stale
-- uploads, expired sessions and codes, old mail, orphaned files) run on every instance, but
-- each run of a job happens once: an instance claims it by one conditional UPDATE of its
-- row (a lease, until it finishes or the lease ends). Every run is recorded (counts only).
CREATE TABLE jobs (
    name                TEXT PRIMARY KEY NOT NULL,
    holder              TEXT,
    lease_until_us      BIGINT NOT NULL DEFAULT 0,
    last_started_at_us  BIGINT NOT NULL DEFAULT 0,
    last_finished_at_us BIGINT,
    last_outcome        TEXT CHECK (last_outcome IN ('done', 'failed'))
);
CREATE TABLE job_runs (
    id             TEXT PRIMARY KEY NOT NULL,
    job            TEXT NOT NULL,
    instance       TEXT NOT NULL,
    started_at_us  BIGINT NOT NULL,
    finished_at_us BIGINT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('done', 'failed')),
    removed        BIGINT NOT NULL,
    summary        TEXT NOT NULL
);
CREATE INDEX job_runs_job ON job_runs (job, started_at_us);
CREATE INDEX job_runs_started ON job_runs (started_at_us);
