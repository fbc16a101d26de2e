package dev.switchboard.xmpp;

/** Builds error replies (RFC 6120 section 8.3). */
public final class StanzaError {
  private StanzaError() {}

  /** The {@code <error/>} child for a condition, with optional human-readable text. */
  public static Element errorElement(StanzaErrorCondition condition, String text, String ns) {
    Element.Builder b =
        Element.builder("error", ns)
            .attr("type", condition.type())
            .child(condition.elementName(), Namespaces.STANZAS);
    if (text != null) {
      b.child(
          Element.builder("text", Namespaces.STANZAS).attr("xml:lang", "en").text(text).build());
    }
    return b.build();
  }

  /**
   * The error reply to {@code stanza}: addresses swapped, type error, the original payload kept (as
   * RFC 6120 8.3.1 allows) and the error element appended.
   */
  public static Element reply(Element stanza, StanzaErrorCondition condition, String text) {
    Element.Builder b = Element.builder(stanza.name(), stanza.namespace());
    b.attr("from", stanza.attr("to"));
    b.attr("to", stanza.attr("from"));
    b.attr("id", stanza.attr("id"));
    b.attr("type", "error");
    b.attr("xml:lang", stanza.attr("xml:lang"));
    for (Node n : stanza.children()) {
      if (!(n instanceof Element e && e.name().equals("error"))) {
        b.child(n);
      }
    }
    b.child(errorElement(condition, text, stanza.namespace()));
    return b.build();
  }

  /** The error condition of an error stanza, or null if it has none we know. */
  public static StanzaErrorCondition conditionOf(Element stanza) {
    Element error = stanza.child("error", stanza.namespace());
    if (error == null) {
      return null;
    }
    Element cond = error.childIn(Namespaces.STANZAS);
    if (cond == null) {
      return null;
    }
    for (StanzaErrorCondition c : StanzaErrorCondition.values()) {
      if (c.elementName().equals(cond.name())) {
        return c;
      }
    }
    return null;
  }
}
