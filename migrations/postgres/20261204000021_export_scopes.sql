-- An archive is of the person who asked (person), of a member their firm's owner or admin
-- asked for (member: subject_id is that member), or of the whole firm (firm, owners only).
-- It is always the asker's (user_id) to download.
ALTER TABLE exports ADD COLUMN scope TEXT NOT NULL DEFAULT 'person' CHECK (scope IN ('person', 'member', 'firm'));
ALTER TABLE exports ADD COLUMN subject_id TEXT REFERENCES users (id);
CREATE INDEX exports_subject ON exports (subject_id);
