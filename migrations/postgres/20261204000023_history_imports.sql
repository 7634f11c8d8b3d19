-- Bringing a history along: an uploaded export (a ZIP "Download all my data" made, here or
-- at another firm) is checked and kept sealed while the person reviews what it would add;
-- nothing is added until they confirm. Then it is applied in the background, under the
-- session that confirmed, and its file removed. Staged imports not confirmed go after a day.
CREATE TABLE history_imports (
    id               TEXT PRIMARY KEY NOT NULL,
    user_id          TEXT NOT NULL REFERENCES users (id),
    firm_id          TEXT NOT NULL REFERENCES firms (id),
    status           TEXT NOT NULL CHECK (status IN ('staged', 'running', 'done', 'failed')),
    object_key       TEXT UNIQUE,
    size_bytes       BIGINT NOT NULL,
    summary          TEXT NOT NULL,
    session_hash     TEXT,
    steps_done       BIGINT NOT NULL DEFAULT 0,
    steps_total      BIGINT NOT NULL DEFAULT 0,
    created_at_us    BIGINT NOT NULL,
    finished_at_us   BIGINT
);
CREATE INDEX history_imports_user ON history_imports (user_id, created_at_us);
CREATE INDEX history_imports_created ON history_imports (created_at_us);
