-- The cluster-wide session registry: which node each bound resource lives on, so that when a node
-- dies, the surviving nodes can end its sessions (unavailable presence to contacts) even for
-- accounts whose owner actor died with it.
CREATE TABLE sessions (
  domain   VARCHAR(1023) NOT NULL,
  username VARCHAR(1023) NOT NULL,
  resource VARCHAR(1023) NOT NULL,
  node     VARCHAR(1023) NOT NULL,
  PRIMARY KEY (domain, username, resource),
  FOREIGN KEY (domain, username) REFERENCES accounts (domain, username) ON DELETE CASCADE
);
CREATE INDEX sessions_node ON sessions (node);
