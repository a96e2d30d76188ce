-- The list endpoint orders by created_at (newest first); the index keeps that
-- a cheap scan as the table grows. Relies on 0001 having created the table,
-- which is why migrations run in file-name order.
CREATE INDEX notes_created_at_idx ON notes (created_at DESC, id DESC);
