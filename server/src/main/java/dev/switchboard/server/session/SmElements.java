package dev.switchboard.server.session;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;

/** XEP-0198 (stream management, {@code urn:xmpp:sm:3}) elements, built in this one place. */
final class SmElements {
  static final String NS = "urn:xmpp:sm:3";

  /** The stream feature offered after authentication. */
  static final Element FEATURE = Element.of("sm", NS);

  private static final Element REQUEST = Element.of("r", NS);

  private SmElements() {}

  /** {@code <r/>}: asks the client how many stanzas it has handled. */
  static Element request() {
    return REQUEST;
  }

  /** {@code <a h=''/>}: how many of the client's stanzas the server has handled. */
  static Element answer(long h) {
    return Element.builder("a", NS).attr("h", Long.toString(h)).build();
  }

  /** {@code <failed/>} with a stanza error condition and, when known, the handled count. */
  static Element failed(String condition, Long h) {
    Element.Builder b = Element.builder("failed", NS);
    if (h != null) {
      b.attr("h", Long.toString(h));
    }
    return b.child(Element.of(condition, Namespaces.STANZAS)).build();
  }

  /** {@code <enabled/>}, with the resumption id and time when the stream may be resumed. */
  static Element enabled(String id, int maxSeconds) {
    Element.Builder b = Element.builder("enabled", NS);
    if (id != null) {
      b.attr("id", id).attr("resume", "true").attr("max", Integer.toString(maxSeconds));
    }
    return b.build();
  }

  /** {@code <resumed/>}. */
  static Element resumed(String previd, long h) {
    return Element.builder("resumed", NS)
        .attr("h", Long.toString(h))
        .attr("previd", previd)
        .build();
  }
}
