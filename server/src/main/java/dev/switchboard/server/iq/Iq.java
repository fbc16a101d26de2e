package dev.switchboard.server.iq;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;

/**
 * An IQ request (get or set) with its parsed addresses and its single payload.
 *
 * @param stanza the IQ as received, {@code from} stamped by the server
 * @param from the requester
 * @param to the addressee (the server's domain or an account's bare JID for handled IQs)
 */
public record Iq(Element stanza, Jid from, Jid to) {
  public String id() {
    return stanza.attr("id");
  }

  public boolean isGet() {
    return "get".equals(stanza.attr("type"));
  }

  public boolean isSet() {
    return "set".equals(stanza.attr("type"));
  }

  public Element payload() {
    return stanza.firstElement();
  }

  /** A result with no payload. */
  public Element result() {
    return result(null);
  }

  /** A result carrying {@code payload} (may be null). */
  public Element result(Element payload) {
    Element.Builder b =
        Element.builder("iq", Namespaces.CLIENT)
            .attr("from", to == null ? null : to.toString())
            .attr("to", from.toString())
            .attr("id", id())
            .attr("type", "result");
    if (payload != null) {
      b.child(payload);
    }
    return b.build();
  }

  public Element error(StanzaErrorCondition condition) {
    return error(condition, null);
  }

  public Element error(StanzaErrorCondition condition, String text) {
    Element e = StanzaError.reply(stanza, condition, text);
    return to == null ? e : e.withFrom(to);
  }

  /** Reads an IQ from a routed stanza; null when it is not a well-formed get or set. */
  public static Iq parse(Element stanza) {
    String type = stanza.attr("type");
    if (!"get".equals(type) && !"set".equals(type) || stanza.firstElement() == null) {
      return null;
    }
    Jid from = Jid.tryParse(stanza.attr("from"));
    String toAttr = stanza.attr("to");
    Jid to = toAttr == null ? null : Jid.tryParse(toAttr);
    return from == null ? null : new Iq(stanza, from, to);
  }
}
