package dev.switchboard.server.module;

import java.util.List;
import java.util.SortedSet;

/**
 * Service discovery (XEP-0030) of one hosted domain, derived from what its modules registered, so
 * that it can never disagree with what is implemented.
 */
public interface Disco {
  /** A disco#info identity. */
  record Identity(String category, String type, String name) {}

  /** A disco#items entry. */
  record Item(String jid, String name) {}

  /** Features of the domain itself. */
  SortedSet<String> serverFeatures();

  /** Features of an account's bare JID. */
  SortedSet<String> accountFeatures();

  /** Identities of the domain itself (the server's own first). */
  List<Identity> identities();

  /** Items of the domain: what modules listed, and the component domains they serve. */
  List<Item> items();
}
