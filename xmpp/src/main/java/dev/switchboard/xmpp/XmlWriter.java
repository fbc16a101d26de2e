package dev.switchboard.xmpp;

/**
 * Serializes elements. Namespaces are written as default-namespace declarations whenever an
 * element's namespace differs from its parent's; attributes named {@code {uri}local} get a
 * generated prefix. Text and attribute values are escaped so that any string, including {@code
 * ]]>}, comes out as well-formed XML; characters XML 1.0 forbids are dropped rather than sent.
 */
public final class XmlWriter {
  private XmlWriter() {}

  public static String toXml(Element e) {
    StringBuilder sb = new StringBuilder(128);
    write(e, "", sb);
    return sb.toString();
  }

  /**
   * Appends {@code e} as if inside a parent whose default namespace is {@code parentNamespace}; the
   * stream writes stanzas with {@code jabber:client} so they carry no redundant xmlns.
   */
  public static void write(Element e, String parentNamespace, StringBuilder sb) {
    sb.append('<').append(e.name());
    if (!e.namespace().equals(parentNamespace)) {
      sb.append(" xmlns=\"");
      escapeAttr(e.namespace(), sb);
      sb.append('"');
    }
    int prefixes = 0;
    for (int i = 0; i < e.attrCount(); i++) {
      String n = e.attrName(i);
      sb.append(' ');
      if (n.charAt(0) == '{') {
        int close = n.indexOf('}');
        String p = "ns" + prefixes++;
        sb.append("xmlns:").append(p).append("=\"");
        escapeAttr(n.substring(1, close), sb);
        sb.append("\" ").append(p).append(':').append(n, close + 1, n.length());
      } else {
        sb.append(n);
      }
      sb.append("=\"");
      escapeAttr(e.attrValue(i), sb);
      sb.append('"');
    }
    if (e.children().isEmpty()) {
      sb.append("/>");
      return;
    }
    sb.append('>');
    for (Node child : e.children()) {
      switch (child) {
        case Element c -> write(c, e.namespace(), sb);
        case Text t -> escapeText(t.value(), sb);
      }
    }
    sb.append("</").append(e.name()).append('>');
  }

  public static void escapeText(String s, StringBuilder sb) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        default -> appendIfLegal(s, i, c, sb);
      }
    }
  }

  public static void escapeAttr(String s, StringBuilder sb) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&apos;");
        case '\t' -> sb.append("&#9;");
        case '\n' -> sb.append("&#10;");
        case '\r' -> sb.append("&#13;");
        default -> appendIfLegal(s, i, c, sb);
      }
    }
  }

  public static String escapeAttr(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    escapeAttr(s, sb);
    return sb.toString();
  }

  private static void appendIfLegal(String s, int i, char c, StringBuilder sb) {
    if (c >= 0x20 && c < 0xD800
        || c == '\t'
        || c == '\n'
        || c == '\r'
        || c >= 0xE000 && c < 0xFFFE) {
      sb.append(c);
    } else if (Character.isHighSurrogate(c)
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1))) {
      sb.append(c);
    } else if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1))) {
      sb.append(c);
    }
    // anything else (C0 controls, lone surrogates, U+FFFE/FFFF) is not allowed in XML 1.0
  }
}
