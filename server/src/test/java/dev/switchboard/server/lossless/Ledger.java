package dev.switchboard.server.lossless;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every numbered message the devices handed to their connections, by id (also its origin-id). */
public final class Ledger {
  /**
   * One numbered message.
   *
   * @param sender the sending device, {@code user/resource}
   * @param seq the sender's sequence number; increases with every message that device sends
   * @param toUser the recipient account's local part
   * @param toResource the recipient device's resource when sent to a full JID, null for the bare
   *     JID
   * @param id the stanza id and XEP-0359 origin-id
   * @param instance which connection instance of the sender (app start) sent it
   * @param stream which XMPP stream of the sender sent it: a fresh login starts a new one, a
   *     resumption continues the old one
   */
  public record Sent(
      String sender,
      long seq,
      String toUser,
      String toResource,
      String id,
      int instance,
      int stream) {}

  /** What became of a message after it was sent. */
  public static final class Fate {
    volatile boolean handedOver;
    volatile boolean acked;
    volatile String error;

    /** Smack took the message ({@code sendStanza} returned without an exception). */
    public boolean handedOver() {
      return handedOver;
    }

    public boolean acked() {
      return acked;
    }

    /** The error condition the server bounced it with, or null. */
    public String error() {
      return error;
    }
  }

  private final Map<String, Sent> byId = new ConcurrentHashMap<>();
  private final Map<String, Fate> fates = new ConcurrentHashMap<>();
  private final List<Sent> inOrder = new ArrayList<>();

  synchronized void add(Sent s) {
    byId.put(s.id(), s);
    fates.put(s.id(), new Fate());
    inOrder.add(s);
  }

  /** The message with this id, or null. */
  public Sent get(String id) {
    return id == null ? null : byId.get(id);
  }

  public Fate fate(Sent s) {
    return fates.get(s.id());
  }

  void handedOver(String id) {
    fates.get(id).handedOver = true;
  }

  void acked(String id) {
    Fate f = id == null ? null : fates.get(id);
    if (f != null) {
      f.acked = true;
    }
  }

  void bounced(String id, String condition) {
    Fate f = id == null ? null : fates.get(id);
    if (f != null) {
      f.error = condition;
    }
  }

  /** All messages sent so far, in the order they were sent. */
  public synchronized List<Sent> all() {
    return List.copyOf(inOrder);
  }
}
