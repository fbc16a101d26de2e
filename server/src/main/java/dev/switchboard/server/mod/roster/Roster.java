package dev.switchboard.server.mod.roster;

import dev.switchboard.xmpp.Jid;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An account's roster as its user actor holds it: items, subscription requests waiting for an
 * answer (RFC 6121 3.1.3: kept, and shown again at each login, until answered) and the version.
 */
public final class Roster {
  private final Map<Jid, RosterItem> items = new LinkedHashMap<>();
  private final Map<Jid, String> pendingIn = new LinkedHashMap<>();
  private long version;

  public Roster(Collection<RosterItem> items, Map<Jid, String> pendingIn, long version) {
    items.forEach(i -> this.items.put(i.contact(), i));
    this.pendingIn.putAll(pendingIn);
    this.version = version;
  }

  public RosterItem get(Jid contact) {
    return items.get(contact);
  }

  public Collection<RosterItem> items() {
    return Collections.unmodifiableCollection(items.values());
  }

  public int size() {
    return items.size();
  }

  /** Contact JIDs with the given presence relation. */
  public Iterable<RosterItem> subscribedFrom() {
    return items.values().stream().filter(RosterItem::from).toList();
  }

  public Iterable<RosterItem> subscribedTo() {
    return items.values().stream().filter(RosterItem::to).toList();
  }

  public boolean hasPendingIn(Jid contact) {
    return pendingIn.containsKey(contact);
  }

  /** Pending inbound subscription requests: contact to the request as XML. */
  public Map<Jid, String> pendingIn() {
    return Collections.unmodifiableMap(pendingIn);
  }

  public long version() {
    return version;
  }

  /** Stores an item and returns the new roster version. */
  long put(RosterItem item) {
    items.put(item.contact(), item);
    return ++version;
  }

  long remove(Jid contact) {
    items.remove(contact);
    return ++version;
  }

  void addPendingIn(Jid contact, String stanza) {
    pendingIn.put(contact, stanza);
  }

  void removePendingIn(Jid contact) {
    pendingIn.remove(contact);
  }
}
