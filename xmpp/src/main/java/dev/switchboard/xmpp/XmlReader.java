package dev.switchboard.xmpp;

import java.nio.charset.StandardCharsets;

/** Parses one stored element back (for example a stanza kept in a database), in jabber:client. */
public final class XmlReader {
  private static final byte[] OPEN =
      ("<stream:stream xmlns='jabber:client' xmlns:stream='" + Namespaces.STREAM + "'>")
          .getBytes(StandardCharsets.UTF_8);

  private XmlReader() {}

  /** The first element in {@code xml}; throws IllegalArgumentException if there is none. */
  public static Element parseElement(String xml) {
    XmppStreamParser p = new XmppStreamParser(Integer.MAX_VALUE, 256);
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    try {
      p.feed(OPEN, 0, OPEN.length);
      p.next();
      p.feed(body, 0, body.length);
      byte[] space = {' '};
      XmppStreamParser.Event e = p.next();
      if (e == null) {
        // Aalto reports an element's end only once it sees the next byte
        p.feed(space, 0, 1);
        e = p.next();
      }
      if (e instanceof XmppStreamParser.ElementParsed ep) {
        return ep.element();
      }
    } catch (XmppStreamException ex) {
      throw new IllegalArgumentException("not a well-formed element: " + ex.getMessage(), ex);
    }
    throw new IllegalArgumentException("no complete element");
  }
}
