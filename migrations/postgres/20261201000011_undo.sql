-- A deletion waits here for its undo window (ten minutes) before it is final: the rows
-- move to a `*_deleted` table of the same columns under one batch, and "Undo" moves them
-- back. Once the window has passed a purge removes them and their stored files.
CREATE TABLE deletions (
    batch         TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    kind          TEXT NOT NULL CHECK (kind IN ('entry', 'certificate', 'leave', 'report')),
    -- What the undo notice names ("Tax law day"); the person's own text.
    label         TEXT NOT NULL,
    -- Where "Undo" takes the person back to (the entry of a certificate, say).
    back_to       TEXT NOT NULL,
    deleted_at_us BIGINT NOT NULL
);
CREATE INDEX deletions_user ON deletions (user_id, deleted_at_us);
CREATE INDEX deletions_age ON deletions (deleted_at_us);

CREATE TABLE entries_deleted (
    batch         TEXT NOT NULL,
    id            TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    firm_id       TEXT NOT NULL,
    entry_date    TEXT NOT NULL,
    title         TEXT NOT NULL,
    provider      TEXT NOT NULL,
    quarters      BIGINT NOT NULL,
    category      TEXT NOT NULL,
    verifiable    INTEGER NOT NULL,
    topic         TEXT,
    notes         TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);
CREATE INDEX entries_deleted_batch ON entries_deleted (batch);

CREATE TABLE certificates_deleted (
    batch         TEXT NOT NULL,
    id            TEXT NOT NULL,
    entry_id      TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    firm_id       TEXT NOT NULL,
    object_key    TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    mime          TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    pages         BIGINT,
    width         BIGINT,
    height        BIGINT,
    created_at_us BIGINT NOT NULL
);
CREATE INDEX certificates_deleted_batch ON certificates_deleted (batch);
CREATE INDEX certificates_deleted_object ON certificates_deleted (object_key);

CREATE TABLE leaves_deleted (
    batch         TEXT NOT NULL,
    id            TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    from_date     TEXT NOT NULL,
    to_date       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE INDEX leaves_deleted_batch ON leaves_deleted (batch);

CREATE TABLE reports_deleted (
    batch          TEXT NOT NULL,
    id             TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    firm_id        TEXT NOT NULL,
    year           BIGINT NOT NULL,
    language       TEXT NOT NULL,
    status         TEXT NOT NULL,
    problem        TEXT,
    steps_done     BIGINT NOT NULL,
    steps_total    BIGINT NOT NULL,
    object_key     TEXT,
    size_bytes     BIGINT,
    sha256         TEXT,
    pages          BIGINT,
    left_out       BIGINT NOT NULL,
    created_at_us  BIGINT NOT NULL,
    finished_at_us BIGINT,
    alive_at_us    BIGINT
);
CREATE INDEX reports_deleted_batch ON reports_deleted (batch);
CREATE INDEX reports_deleted_object ON reports_deleted (object_key);
