-- Reports being made say they are alive: the instance making one touches `alive_at_us`
-- every half minute. One whose instance stopped goes quiet and is marked failed; one that
-- another, running instance is making is left alone (servers run side by side).
ALTER TABLE reports ADD COLUMN alive_at_us BIGINT;
-- One report in the making per person, held by the database even for two requests at once.
CREATE UNIQUE INDEX reports_one_at_a_time ON reports (user_id)
    WHERE status IN ('queued', 'running');
