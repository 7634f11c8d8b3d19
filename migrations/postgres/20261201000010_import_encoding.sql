-- The encoding a staged CSV file was read in (shown in its preview; the content is kept
-- as UTF-8 text whatever the file was).
ALTER TABLE pending_imports ADD COLUMN encoding TEXT NOT NULL DEFAULT 'UTF-8';
