-- The archive's journal (SQLite only): live messages are written here first, with no index to
-- update but the row id, and moved into mam_messages in batches sorted by owner, so that each
-- index page of mam_messages is written once for many rows instead of once per row (mod/mam
-- ArchiveJournal). seq is the row id: the order rows were written in. Rows here are still part of
-- their archive; queries move an owner's rows first.
CREATE TABLE mam_journal (
  seq           INTEGER PRIMARY KEY,
  domain        VARCHAR(1023) NOT NULL,
  username      VARCHAR(1023) NOT NULL,
  id            VARCHAR(255) NOT NULL,
  with_bare     VARCHAR(3071) NOT NULL,
  with_resource VARCHAR(1023) NOT NULL,
  outgoing      SMALLINT NOT NULL,
  ts            BIGINT NOT NULL,
  origin_id     VARCHAR(1023),
  stanza        TEXT NOT NULL,
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);
