package dev.switchboard.server.delivery;

import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.xmpp.Element;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes that must commit before a message goes on (archive rows, offline rows), gathered from
 * the account's modules and committed together by the group commit.
 */
public final class DurableWrites {
  private final List<GroupCommitter.Write> writes = new ArrayList<>(2);
  private final Element message;
  private final Confirmation confirmation;
  private String resendKey;
  private volatile boolean duplicate;

  /** For a message that may arrive more than once: {@link #resendKey} tells the copies apart. */
  public DurableWrites(Element message, Confirmation confirmation) {
    this.message = message;
    this.confirmation = confirmation;
  }

  public DurableWrites() {
    this(null, null);
  }

  /** See {@link ResendKey}; built on first use, since only an archive that keeps it needs it. */
  public String resendKey() {
    if (resendKey == null && message != null) {
      resendKey = ResendKey.of(message, confirmation);
    }
    return resendKey;
  }

  public void add(GroupCommitter.Write write) {
    writes.add(write);
  }

  /**
   * Called by a write (on the commit thread) that found this message already stored under its
   * resend key: the message is then confirmed but not passed on a second time.
   */
  public void duplicate() {
    duplicate = true;
  }

  /** Read after the writes committed. */
  public boolean isDuplicate() {
    return duplicate;
  }

  public boolean isEmpty() {
    return writes.isEmpty();
  }

  /** All the writes as one, so they commit together. */
  public GroupCommitter.Write combined() {
    List<GroupCommitter.Write> copy = List.copyOf(writes);
    return c -> {
      for (GroupCommitter.Write w : copy) {
        w.apply(c);
      }
    };
  }
}
