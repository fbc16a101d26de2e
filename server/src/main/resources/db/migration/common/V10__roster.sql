-- RFC 6121 rosters. Owned by mod/roster; rows go with their account.
CREATE TABLE roster_items (
  domain      VARCHAR(1023) NOT NULL,
  username    VARCHAR(1023) NOT NULL,
  contact     VARCHAR(3071) NOT NULL,
  name        VARCHAR(1023),
  sub_to      SMALLINT NOT NULL DEFAULT 0,
  sub_from    SMALLINT NOT NULL DEFAULT 0,
  pending_out SMALLINT NOT NULL DEFAULT 0,
  approved    SMALLINT NOT NULL DEFAULT 0,
  PRIMARY KEY (domain, username, contact),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);

CREATE TABLE roster_groups (
  domain   VARCHAR(1023) NOT NULL,
  username VARCHAR(1023) NOT NULL,
  contact  VARCHAR(3071) NOT NULL,
  grp      VARCHAR(1023) NOT NULL,
  PRIMARY KEY (domain, username, contact, grp),
  FOREIGN KEY (domain, username, contact) REFERENCES roster_items (domain, username, contact)
    ON DELETE CASCADE
);

CREATE TABLE roster_pending_in (
  domain   VARCHAR(1023) NOT NULL,
  username VARCHAR(1023) NOT NULL,
  contact  VARCHAR(3071) NOT NULL,
  stanza   TEXT NOT NULL,
  PRIMARY KEY (domain, username, contact),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);

CREATE TABLE roster_versions (
  domain   VARCHAR(1023) NOT NULL,
  username VARCHAR(1023) NOT NULL,
  version  BIGINT NOT NULL,
  PRIMARY KEY (domain, username),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);
