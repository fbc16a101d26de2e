-- Archive ids sort in archive order as strings, byte by byte. SQLite compares text that way
-- already (BINARY); PostgreSQL would use the database's locale, which may order some characters
-- differently, so the id column (and the indexes on it) use the "C" collation.
ALTER TABLE mam_messages ALTER COLUMN id TYPE VARCHAR(255) COLLATE "C";
