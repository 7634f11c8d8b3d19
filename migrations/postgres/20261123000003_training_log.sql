-- The training log: entries, leave periods and exemptions, each owned by one person.
-- Every list reads by (user_id, …), so each table has an index that starts there.

CREATE TABLE entries (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    firm_id       TEXT NOT NULL REFERENCES firms (id),
    -- YYYY-MM-DD: sorts and compares as text, and both databases read it alike.
    entry_date    TEXT NOT NULL,
    title         TEXT NOT NULL,
    provider      TEXT NOT NULL DEFAULT '',
    -- Quarter hours: 1 to 96 (24 hours).
    quarters      BIGINT NOT NULL CHECK (quarters > 0 AND quarters <= 96),
    category      TEXT NOT NULL CHECK (category IN ('teacher-led', 'e-learning')),
    verifiable    INTEGER NOT NULL DEFAULT 1 CHECK (verifiable IN (0, 1)),
    topic         TEXT CHECK (topic IN ('ethics', 'non-legal', 'wellbeing', 'client-care')),
    notes         TEXT NOT NULL DEFAULT '',
    created_at_us BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);
CREATE INDEX entries_user_date ON entries (user_id, entry_date);

CREATE TABLE leaves (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    from_date     TEXT NOT NULL,
    to_date       TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    created_at_us BIGINT NOT NULL,
    CHECK (to_date >= from_date)
);
CREATE INDEX leaves_user ON leaves (user_id, from_date);

CREATE TABLE exemptions (
    user_id       TEXT NOT NULL REFERENCES users (id),
    year          BIGINT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('age-70')),
    created_at_us BIGINT NOT NULL,
    PRIMARY KEY (user_id, year, kind)
);

-- A CSV file waiting for the person to confirm its preview. Nothing reaches `entries`
-- before they do; unconfirmed uploads are removed after a day.
CREATE TABLE pending_imports (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    content       TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE INDEX pending_imports_user ON pending_imports (user_id, created_at_us);
