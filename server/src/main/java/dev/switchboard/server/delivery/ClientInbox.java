package dev.switchboard.server.delivery;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.switchboard.server.cluster.CborSerializable;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StreamErrorCondition;

/**
 * What reaches a client session from the rest of the server, on any node: stanzas to write,
 * confirmations of what it sent, and commands that end or change it. A session's own internal
 * commands (its connection's input, its timers) extend this type too, so that one actor reference
 * serves both; only the records here cross nodes.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClientInbox.Deliver.class, name = "deliver"),
  @JsonSubTypes.Type(value = ClientInbox.Confirmed.class, name = "confirmed"),
  @JsonSubTypes.Type(value = ClientInbox.Terminate.class, name = "terminate"),
  @JsonSubTypes.Type(value = ClientInbox.KeepForRebind.class, name = "keep-for-rebind"),
  @JsonSubTypes.Type(value = ClientInbox.InjectFailure.class, name = "inject-failure")
})
public interface ClientInbox extends CborSerializable {
  /**
   * A stanza for this client: write it out. A non-null {@code storedKey} names the stored copy
   * (offline storage) that may go once the client has acknowledged the stanza (XEP-0198); the
   * session hands it back to the account then.
   */
  record Deliver(Element stanza, String storedKey) implements ClientInbox {
    public Deliver(Element stanza) {
      this(stanza, null);
    }
  }

  /** The stanza this session read as number {@code seq} is handled (see {@link Confirmation}). */
  record Confirmed(long seq) implements ClientInbox {}

  /** End the stream with this error (another login took the resource, shutdown, admin kick). */
  record Terminate(StreamErrorCondition condition, String text) implements ClientInbox {}

  /**
   * Per-session state the account's owner keeps (carbons on, for example) that the session hands to
   * the next owner when it registers again after losing its owner ({@code value} null: forget the
   * key).
   */
  record KeepForRebind(String key, String value) implements ClientInbox {}

  /**
   * Makes the session actor throw, to exercise supervision ("let it crash"): the client gets
   * internal-server-error and nobody else notices. Used by tests and the admin tools.
   */
  record InjectFailure(String reason) implements ClientInbox {}
}
