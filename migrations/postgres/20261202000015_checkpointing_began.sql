-- When signed checkpoints were first written: one row, set once and never changed or
-- removed. `audit verify` asks for the checkpoint file whenever there must be one, and this
-- says so even after the checkpoints themselves were deleted from the database.
CREATE TABLE audit_checkpointing (
    id       INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    since_us BIGINT NOT NULL
);

INSERT INTO audit_checkpointing (id, since_us)
SELECT 1, (SELECT MIN(at_us) FROM audit_checkpoints)
WHERE EXISTS (SELECT 1 FROM audit_checkpoints);

CREATE TRIGGER audit_checkpointing_no_update BEFORE UPDATE ON audit_checkpointing FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_checkpointing_no_delete BEFORE DELETE ON audit_checkpointing FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_checkpointing_no_truncate BEFORE TRUNCATE ON audit_checkpointing FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
