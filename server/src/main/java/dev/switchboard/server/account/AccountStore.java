package dev.switchboard.server.account;

import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts and their credentials, keyed by bare JID. Synchronous: callers on actor or event-loop
 * threads go through {@link dev.switchboard.server.store.BlockingExecutor}. Every method that takes
 * a JID throws {@link IllegalArgumentException} unless it is bare and has a localpart.
 */
public interface AccountStore {
  /** Creates the account; false when it already exists. */
  boolean create(Jid bare, StoredCredentials credentials);

  Optional<StoredCredentials> credentials(Jid bare);

  boolean exists(Jid bare);

  /** Replaces the credentials; false when there is no such account. */
  boolean updateCredentials(Jid bare, StoredCredentials credentials);

  /** Removes the account and, through foreign keys, everything stored for it; false if absent. */
  boolean remove(Jid bare);

  /** The accounts of a domain, sorted by localpart. */
  List<Jid> list(String domain);

  long count(String domain);

  /**
   * Creates many accounts in one transaction, skipping those that exist (or repeat in the batch),
   * and returns how many were created.
   */
  int createAll(List<Map.Entry<Jid, StoredCredentials>> batch);
}
