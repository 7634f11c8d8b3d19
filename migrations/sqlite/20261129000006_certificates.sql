-- Certificates: files that prove an entry, kept encrypted in private storage.
--
-- A firm's data key (random AES-256, wrapped by a key derived from the master key and
-- bound to the firm) encrypts its files on the local backend; it is made on first upload.
ALTER TABLE firms ADD COLUMN data_key TEXT;

-- One stored file. The object is written before the row and removed after it, so a row
-- always has its object; an object left without a row (a crash between the two) is
-- removed by the daily sweep once it is a day old.
CREATE TABLE certificates (
    id            TEXT PRIMARY KEY NOT NULL,
    entry_id      TEXT NOT NULL REFERENCES entries (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    firm_id       TEXT NOT NULL REFERENCES firms (id),
    -- FIRM_ID/CERTIFICATE_ID: the name in storage.
    object_key    TEXT NOT NULL UNIQUE,
    -- The name the person's file had (shown and offered on download; never a path).
    file_name     TEXT NOT NULL,
    mime          TEXT NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes    BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256        TEXT NOT NULL,
    -- Pages of a PDF; width and height of an image (from the worker's parse).
    pages         BIGINT,
    width         BIGINT,
    height        BIGINT,
    created_at_us BIGINT NOT NULL
);
-- An entry's certificates in upload order; a person's files by content (duplicates).
CREATE INDEX certificates_entry ON certificates (entry_id, created_at_us);
CREATE INDEX certificates_user_sha ON certificates (user_id, sha256);
