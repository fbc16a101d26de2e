package dev.switchboard.server.user;

import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.xmpp.Element;
import java.util.ArrayList;
import java.util.List;

/** Writes that must commit before a message is passed on (archive rows, offline rows). */
public final class Durable {
  private final List<GroupCommitter.Write> writes = new ArrayList<>(2);
  private final Element message;
  private final Ack ack;
  private String key;
  private volatile boolean dropped;

  /** For a message that may be sent again: {@link #key} tells the copies apart. */
  Durable(Element message, Ack ack) {
    this.message = message;
    this.ack = ack;
  }

  public Durable() {
    this(null, null);
  }

  /**
   * What identifies this message across resends: the sender's XEP-0359 origin-id when it gave one
   * (a client resending after a lost acknowledgement), else the sending session and its stream
   * sequence number (the server resending after a node failed). Null when neither applies. Built on
   * first use: only an archive that keeps the message needs it.
   */
  public String key() {
    if (key == null && message != null) {
      Element origin = message.child("origin-id", "urn:xmpp:sid:0");
      if (origin != null && origin.attr("id") != null) {
        key = origin.attr("id");
      } else if (ack != null) {
        key = "sb:" + ack.session().path() + "#" + ack.seq();
      }
    }
    return key;
  }

  public void add(GroupCommitter.Write write) {
    writes.add(write);
  }

  /**
   * Called by a write (on the commit thread) that found the message was already handled: the
   * message is then acknowledged but not passed on.
   */
  public void drop() {
    dropped = true;
  }

  /** Read after the writes committed. */
  boolean dropped() {
    return dropped;
  }

  public boolean isEmpty() {
    return writes.isEmpty();
  }

  /** All the writes as one, so they commit together. */
  GroupCommitter.Write combined() {
    List<GroupCommitter.Write> copy = List.copyOf(writes);
    return c -> {
      for (GroupCommitter.Write w : copy) {
        w.apply(c);
      }
    };
  }
}
