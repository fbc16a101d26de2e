-- XEP-0160 offline messages. Owned by mod/offline; rows go with their account.
CREATE TABLE offline_messages (
  domain   VARCHAR(1023) NOT NULL,
  username VARCHAR(1023) NOT NULL,
  seq      BIGINT NOT NULL,
  stanza   TEXT NOT NULL,
  PRIMARY KEY (domain, username, seq),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);
