-- Accounts and their SCRAM credentials (RFC 5802, RFC 7677). Passwords are never stored: only the
-- salt, iteration count, StoredKey and ServerKey per hash, base64-encoded so that one script
-- serves SQLite and PostgreSQL alike. Tables of other features reference (domain, username) with
-- ON DELETE CASCADE, so removing an account removes its data.
CREATE TABLE accounts (
  domain TEXT NOT NULL,
  username TEXT NOT NULL,
  scram_sha1_iterations INTEGER NOT NULL,
  scram_sha1_salt TEXT NOT NULL,
  scram_sha1_stored_key TEXT NOT NULL,
  scram_sha1_server_key TEXT NOT NULL,
  scram_sha256_iterations INTEGER NOT NULL,
  scram_sha256_salt TEXT NOT NULL,
  scram_sha256_stored_key TEXT NOT NULL,
  scram_sha256_server_key TEXT NOT NULL,
  -- milliseconds since the epoch, UTC
  created_at BIGINT NOT NULL,
  PRIMARY KEY (domain, username)
);
