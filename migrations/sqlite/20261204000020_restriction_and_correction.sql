-- Restriction of processing: the firm may hold a person's data without using it (nothing
-- computed, reported or mailed about them) until it lifts the restriction.
ALTER TABLE users ADD COLUMN restricted_at_us BIGINT;
-- A random key per person for the hashes of corrected values kept in the audit log: once
-- the person is purged the key is gone with their row, and the hashes say nothing.
ALTER TABLE users ADD COLUMN correction_salt TEXT;
-- What a change was in detail (a corrected field and its old and new values' keyed hashes);
-- part of the row's hash when present. Never a name or an address.
ALTER TABLE audit_log ADD COLUMN detail TEXT;
