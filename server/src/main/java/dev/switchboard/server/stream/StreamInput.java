package dev.switchboard.server.stream;

import dev.switchboard.server.auth.SaslStep;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaErrorCondition;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.util.Map;

/**
 * What happens to a c2s stream: input from the client and outcomes of work the machine asked for.
 */
public sealed interface StreamInput {
  /** The client opened (or re-opened) the stream. */
  record Opened(Map<String, String> attributes, String contentNamespace) implements StreamInput {}

  /** A complete top-level element from the client. */
  record Received(Element element) implements StreamInput {}

  /** The client closed its stream with {@code </stream:stream>}. */
  record ClosedByClient() implements StreamInput {}

  /** The client's bytes broke the stream (not well-formed, restricted XML, too large...). */
  record Malformed(StreamErrorCondition condition, String text) implements StreamInput {}

  /** A SASL exchange step finished. */
  record SaslStepped(SaslStep step) implements StreamInput {}

  /** Resource binding finished. */
  record Bound(Jid fullJid, String iqId) implements StreamInput {}

  /** Resource binding was refused. */
  record BindRefused(StanzaErrorCondition condition, String iqId) implements StreamInput {}
}
