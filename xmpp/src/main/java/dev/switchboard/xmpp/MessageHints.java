package dev.switchboard.xmpp;

/**
 * What a message says about its own storage and copying: XEP-0334 processing hints, and whether it
 * carries content worth keeping at all (a body, an encrypted payload, a receipt or a chat marker)
 * as opposed to transient chat states.
 */
public final class MessageHints {
  public static final String NS = "urn:xmpp:hints";
  private static final String RECEIPTS = "urn:xmpp:receipts";
  private static final String MARKERS = "urn:xmpp:chat-markers:0";
  private static final String OMEMO = "eu.siacs.conversations.axolotl";
  private static final String OMEMO2 = "urn:xmpp:omemo:2";
  private static final String EME = "urn:xmpp:eme:0";

  private MessageHints() {}

  public static boolean noStore(Element m) {
    return m.hasChild("no-store", NS);
  }

  public static boolean noPermanentStore(Element m) {
    return m.hasChild("no-permanent-store", NS) || noStore(m);
  }

  public static boolean noCopy(Element m) {
    return m.hasChild("no-copy", NS);
  }

  public static boolean store(Element m) {
    return m.hasChild("store", NS);
  }

  /** Content a user would miss: a body, encrypted content, a receipt or a chat marker. */
  public static boolean hasContent(Element m) {
    if (m.hasChild("body", m.namespace())) {
      return true;
    }
    for (Element c : m.elements()) {
      String ns = c.namespace();
      if (ns.equals(OMEMO) || ns.equals(OMEMO2) || ns.equals(EME)) {
        return true;
      }
      if (ns.equals(RECEIPTS) && c.name().equals("received")) {
        return true;
      }
      if (ns.equals(MARKERS) && !c.name().equals("markable")) {
        return true;
      }
    }
    return false;
  }

  /** Whether a 1:1 message belongs in storage: chat or normal, with content or a store hint. */
  public static boolean storable(Element m) {
    String type = m.attr("type") == null ? "normal" : m.attr("type");
    if (!type.equals("chat") && !type.equals("normal")) {
      return false;
    }
    return !noStore(m) && (hasContent(m) || store(m));
  }
}
