-- The first year a person's history is shown from, when they choose one (a stray old
-- course then no longer fills the dashboard with years that were never kept here).
ALTER TABLE users ADD COLUMN history_from INTEGER;
