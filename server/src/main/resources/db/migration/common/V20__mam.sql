-- XEP-0313 message archives and their XEP-0441 preferences. Owned by mod/mam; rows go with their
-- account.
--
-- One row per message per archive: a 1:1 message is archived once for each party. id is the
-- archive id (XEP-0359 stanza-id); ids sort in archive order as strings. with_bare is the other
-- party's bare JID and with_resource its resource ('' when unknown), so that a bare JID in a query
-- matches every resource and a full JID only its own. ts is when the server received the message,
-- in microseconds since the epoch, UTC. stanza is the message as routed, serialized XML.
CREATE TABLE mam_messages (
  domain        VARCHAR(1023) NOT NULL,
  username      VARCHAR(1023) NOT NULL,
  id            VARCHAR(255) NOT NULL,
  with_bare     VARCHAR(3071) NOT NULL,
  with_resource VARCHAR(1023) NOT NULL,
  outgoing      SMALLINT NOT NULL,
  ts            BIGINT NOT NULL,
  origin_id     VARCHAR(1023),
  stanza        TEXT NOT NULL,
  PRIMARY KEY (domain, username, id),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);

-- queries with a 'with' filter page through one conversation in id order
CREATE INDEX mam_messages_with ON mam_messages (domain, username, with_bare, id);
-- queries with 'start' or 'end'
CREATE INDEX mam_messages_ts ON mam_messages (domain, username, ts);

-- The default mode: 'always', 'roster' or 'never'. No row means 'always'.
CREATE TABLE mam_prefs (
  domain       VARCHAR(1023) NOT NULL,
  username     VARCHAR(1023) NOT NULL,
  default_mode VARCHAR(16) NOT NULL,
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);

-- JIDs always ('always') or never ('never') archived, whatever the default.
CREATE TABLE mam_prefs_jids (
  domain   VARCHAR(1023) NOT NULL,
  username VARCHAR(1023) NOT NULL,
  mode     VARCHAR(16) NOT NULL,
  jid      VARCHAR(3071) NOT NULL,
  PRIMARY KEY (domain, username, mode, jid),
  FOREIGN KEY (domain, username) REFERENCES mam_prefs (domain, username) ON DELETE CASCADE
);
