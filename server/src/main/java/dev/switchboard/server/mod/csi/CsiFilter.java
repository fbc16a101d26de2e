package dev.switchboard.server.mod.csi;

import dev.switchboard.server.session.SessionFilter;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.MessageHints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One session's client state (XEP-0352): active until the client says otherwise. While inactive it
 * holds what the user would not miss if it came later:
 *
 * <ul>
 *   <li>presence broadcasts (available and unavailable; subscription requests and errors go out at
 *       once), only the newest per sender;
 *   <li>standalone chat states (XEP-0085: no body, receipt, marker or encrypted content), also as a
 *       carbon copy, only the newest per conversation.
 * </ul>
 *
 * Anything else (messages with content, IQs, errors) is delivered at once, after what is held, so
 * nothing is reordered against it. At most {@code maxHeld} senders are held; one more releases them
 * all. {@code <active/>} releases them too.
 */
final class CsiFilter implements SessionFilter {
  private static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";
  private static final String CARBONS = "urn:xmpp:carbons:2";
  private static final String FORWARD = "urn:xmpp:forward:0";

  private final int maxHeld;
  private final LinkedHashMap<String, Element> held = new LinkedHashMap<>();
  private boolean inactive;

  CsiFilter(int maxHeld) {
    this.maxHeld = maxHeld;
  }

  @Override
  public boolean onNonza(Element nonza) {
    switch (nonza.name()) {
      case "inactive" -> inactive = true;
      case "active" -> {
        inactive = false;
        return true;
      }
      default -> {} // nothing else is defined; ignored
    }
    return false;
  }

  @Override
  public Outbound decide(Element stanza) {
    if (!inactive) {
      return Outbound.DELIVER;
    }
    String key = holdKey(stanza);
    if (key == null || !held.containsKey(key) && held.size() >= maxHeld) {
      return Outbound.DELIVER;
    }
    held.remove(key); // the newest takes the place in line of its sender's last one
    held.put(key, stanza);
    return Outbound.HOLD;
  }

  @Override
  public List<Element> flush() {
    if (held.isEmpty()) {
      return List.of();
    }
    List<Element> out = new ArrayList<>(held.values());
    held.clear();
    return out;
  }

  /** What a stanza replaces when held (the same key), or null when it must go out now. */
  static String holdKey(Element stanza) {
    String from = stanza.attr("from");
    switch (stanza.name()) {
      case "presence" -> {
        String type = stanza.attr("type");
        return type == null || type.equals("unavailable") ? "p " + from : null;
      }
      case "message" -> {
        Element inner = carbonCopied(stanza);
        Element m = inner == null ? stanza : inner;
        if (!isStandaloneChatState(m)) {
          return null;
        }
        return "c " + from + " " + m.attr("from") + " " + m.attr("to");
      }
      default -> {
        return null;
      }
    }
  }

  private static boolean isStandaloneChatState(Element m) {
    return !"error".equals(m.attr("type"))
        && m.childIn(CHAT_STATES) != null
        && !MessageHints.hasContent(m);
  }

  /** The message inside a carbon copy (XEP-0280), or null. */
  private static Element carbonCopied(Element m) {
    Element wrapper = m.child("sent", CARBONS);
    if (wrapper == null) {
      wrapper = m.child("received", CARBONS);
    }
    Element fwd = wrapper == null ? null : wrapper.child("forwarded", FORWARD);
    return fwd == null ? null : fwd.child("message", m.namespace());
  }
}
