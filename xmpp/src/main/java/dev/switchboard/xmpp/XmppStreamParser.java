package dev.switchboard.xmpp;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * Incremental, non-blocking parser for one XMPP stream (RFC 6120 section 4) on top of Aalto's async
 * reader. Bytes go in with {@link #feed}; {@link #next} returns the stream header, each complete
 * top-level element (a stanza or a nonza) as an immutable {@link Element}, and the stream's end.
 *
 * <p>It enforces XMPP's restricted XML (no DTD, comments, processing instructions or entity
 * references beyond the predefined five) and bounds memory: no top-level element, and no run of
 * bytes between two top-level boundaries, may exceed {@code maxStanzaBytes}; elements nest at most
 * {@code maxDepth} deep. A violation throws {@link XmppStreamException} with the stream error the
 * RFC asks for.
 *
 * <p>One parser serves one stream; after STARTTLS or SASL success the caller makes a new one and
 * hands it the bytes the old one had not consumed ({@link #unconsumed}).
 *
 * <p>Between two stanzas an idle stream's parser can {@link #rest}: it drops the XML reader (its
 * buffers and symbol table, about 3 KiB) and makes a new one when bytes come again, first feeding
 * it a copy of the stream header's namespace declarations so that what follows parses exactly as it
 * would have in the original stream.
 */
public final class XmppStreamParser {
  private static final AsyncXMLInputFactory FACTORY = newFactory();

  /** Null while resting. */
  private AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;

  /** The stream's root element re-declaring its namespaces, to start a new reader after a rest. */
  private byte[] restartHeader;

  private final int maxStanzaBytes;
  private final int maxDepth;

  private int depth;
  private final List<Element.Builder> stack = new ArrayList<>();
  private StringBuilder text;
  private long fed;

  /** Byte offset of the last top-level boundary: stream header end, a stanza's end, whitespace. */
  private long boundary;

  private static final byte[] NO_BYTES = new byte[0];

  private byte[] lastChunk = NO_BYTES;
  private boolean closed;

  /** What the parser found. */
  public sealed interface Event {}

  /** The stream header, {@code <stream:stream ...>}, with its attributes. */
  public record StreamOpened(Map<String, String> attributes, String contentNamespace)
      implements Event {}

  /** A complete top-level element. */
  public record ElementParsed(Element element) implements Event {}

  /** {@code </stream:stream>}. */
  public record StreamClosed() implements Event {}

  public XmppStreamParser(int maxStanzaBytes, int maxDepth) {
    this.maxStanzaBytes = maxStanzaBytes;
    this.maxDepth = maxDepth;
    this.reader = FACTORY.createAsyncForByteArray();
  }

  private static AsyncXMLInputFactory newFactory() {
    InputFactoryImpl f = new InputFactoryImpl();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    return f;
  }

  /** True when {@link #next} has consumed everything fed so far and wants more bytes. */
  public boolean needsInput() {
    return reader == null || reader.getInputFeeder().needMoreInput();
  }

  /**
   * Drops the XML reader if the stream is between two stanzas with nothing left unparsed; a new
   * reader takes over with the next {@link #feed}. Returns whether the parser is now resting.
   */
  public boolean rest() {
    if (reader == null) {
      return true;
    }
    if (closed
        || restartHeader == null
        || depth != 1
        || !stack.isEmpty()
        || text != null
        || !reader.getInputFeeder().needMoreInput()
        || endOffset() != fed) {
      return false;
    }
    try {
      reader.close(); // lets the factory's shared symbol table learn this reader's names
    } catch (XMLStreamException ignored) {
      // nothing to release beyond what the garbage collector takes
    }
    reader = null;
    lastChunk = NO_BYTES;
    return true;
  }

  /** Whether the parser is resting (see {@link #rest}). */
  public boolean resting() {
    return reader == null;
  }

  /** A new reader positioned inside the stream's root element, as the old one was. */
  private void wake() throws XmppStreamException {
    reader = FACTORY.createAsyncForByteArray();
    try {
      reader.getInputFeeder().feedInput(restartHeader, 0, restartHeader.length);
      int ev;
      do {
        ev = reader.next();
      } while (ev != XMLStreamConstants.START_ELEMENT
          && ev != AsyncXMLStreamReader.EVENT_INCOMPLETE);
      if (ev != XMLStreamConstants.START_ELEMENT) {
        throw new IllegalStateException("restart header did not parse");
      }
    } catch (XMLStreamException e) {
      throw new IllegalStateException("restart header did not parse", e);
    }
    fed = restartHeader.length;
    boundary = endOffset();
  }

  /** Feeds bytes; call only when {@link #needsInput} is true. */
  public void feed(byte[] buf, int off, int len) throws XmppStreamException {
    if (len == 0) {
      return;
    }
    // Aalto's byte offsets are only right for input fed from index 0, and unconsumed() and the
    // size limit rely on them, so a slice is copied first
    byte[] chunk = off == 0 && len == buf.length ? buf : Arrays.copyOfRange(buf, off, off + len);
    if (reader == null) {
      wake();
    }
    try {
      reader.getInputFeeder().feedInput(chunk, 0, len);
    } catch (XMLStreamException e) {
      throw new XmppStreamException(StreamErrorCondition.NOT_WELL_FORMED, e.getMessage());
    }
    lastChunk = chunk;
    fed += len;
  }

  /**
   * The bytes fed but not yet consumed by the events returned so far: what a new parser must start
   * with after a stream restart. Only meaningful right after an {@link ElementParsed}.
   */
  public byte[] unconsumed() {
    if (reader == null) {
      return NO_BYTES;
    }
    long end = endOffset();
    int n = (int) Math.max(0, Math.min(lastChunk.length, fed - end));
    return Arrays.copyOfRange(lastChunk, lastChunk.length - n, lastChunk.length);
  }

  /** The next event, or null when the parser needs more input. */
  public Event next() throws XmppStreamException {
    if (closed || reader == null) {
      return null;
    }
    try {
      while (true) {
        int ev = reader.next();
        switch (ev) {
          case AsyncXMLStreamReader.EVENT_INCOMPLETE:
            // everything fed is consumed: what lies past the last boundary is one unfinished
            // top-level element, held in memory, so this is where its size is bounded
            if (fed - boundary > maxStanzaBytes) {
              throw new XmppStreamException(
                  StreamErrorCondition.POLICY_VIOLATION,
                  "stanza larger than " + maxStanzaBytes + " bytes");
            }
            return null;
          case XMLStreamConstants.START_DOCUMENT:
            continue;
          case XMLStreamConstants.START_ELEMENT:
            {
              Event e = startElement();
              if (e != null) {
                return e;
              }
              continue;
            }
          case XMLStreamConstants.END_ELEMENT:
            {
              Event e = endElement();
              if (e != null) {
                return e;
              }
              continue;
            }
          case XMLStreamConstants.CHARACTERS:
          case XMLStreamConstants.SPACE:
          case XMLStreamConstants.CDATA:
            characters();
            continue;
          case XMLStreamConstants.DTD:
            throw new XmppStreamException(StreamErrorCondition.RESTRICTED_XML, "DTD not allowed");
          case XMLStreamConstants.COMMENT:
            throw new XmppStreamException(
                StreamErrorCondition.RESTRICTED_XML, "comments not allowed");
          case XMLStreamConstants.PROCESSING_INSTRUCTION:
            throw new XmppStreamException(
                StreamErrorCondition.RESTRICTED_XML, "processing instructions not allowed");
          case XMLStreamConstants.ENTITY_REFERENCE:
            throw new XmppStreamException(
                StreamErrorCondition.RESTRICTED_XML, "entity references not allowed");
          case XMLStreamConstants.END_DOCUMENT:
            closed = true;
            return new StreamClosed();
          default:
            throw new XmppStreamException(
                StreamErrorCondition.RESTRICTED_XML, "unexpected XML construct " + ev);
        }
      }
    } catch (XMLStreamException e) {
      String msg = String.valueOf(e.getMessage());
      // Aalto without DTD support fails inside a DOCTYPE's internal subset with a generic
      // message; RFC 6120 wants restricted-xml for any DTD, so look at what was fed.
      boolean dtd =
          depth == 0
              && new String(lastChunk, java.nio.charset.StandardCharsets.ISO_8859_1)
                  .contains("<!DOCTYPE");
      StreamErrorCondition cond =
          dtd || msg.contains("ntity") || msg.contains("DOCTYPE") || msg.contains("DTD")
              ? StreamErrorCondition.RESTRICTED_XML
              : StreamErrorCondition.NOT_WELL_FORMED;
      throw new XmppStreamException(cond, firstLine(msg));
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private Event startElement() throws XmppStreamException {
    depth++;
    if (depth == 1) {
      if (!"stream".equals(reader.getLocalName())
          || !Namespaces.STREAM.equals(reader.getNamespaceURI())) {
        throw new XmppStreamException(
            StreamErrorCondition.INVALID_NAMESPACE, "expected <stream:stream>");
      }
      Map<String, String> attrs = new LinkedHashMap<>();
      for (int i = 0; i < reader.getAttributeCount(); i++) {
        attrs.put(attrName(i), reader.getAttributeValue(i));
      }
      String contentNs =
          reader.getNamespaceContext().getNamespaceURI(XMLConstants.DEFAULT_NS_PREFIX);
      restartHeader = restartHeader();
      markBoundary();
      return new StreamOpened(attrs, contentNs == null ? "" : contentNs);
    }
    if (depth > maxDepth) {
      throw new XmppStreamException(
          StreamErrorCondition.POLICY_VIOLATION, "elements nested deeper than " + maxDepth);
    }
    flushText();
    String ns = reader.getNamespaceURI();
    Element.Builder b = Element.builder(reader.getLocalName(), ns == null ? "" : ns);
    int n = reader.getAttributeCount();
    String[] names = n == 0 ? null : new String[n];
    for (int i = 0; i < n; i++) {
      String name = attrName(i);
      for (int j = 0; j < i; j++) {
        if (names[j].equals(name)) {
          // Aalto does not check attribute uniqueness (XML 1.0 WFC: Unique Att Spec)
          throw new XmppStreamException(
              StreamErrorCondition.NOT_WELL_FORMED, "duplicate attribute " + name);
        }
      }
      names[i] = name;
      b.attr(name, reader.getAttributeValue(i));
    }
    stack.add(b);
    return null;
  }

  /** The root element's start tag with only its namespace declarations, in UTF-8. */
  private byte[] restartHeader() {
    StringBuilder sb = new StringBuilder(160).append('<');
    String prefix = reader.getPrefix();
    if (prefix != null && !prefix.isEmpty()) {
      sb.append(prefix).append(':');
    }
    sb.append(reader.getLocalName());
    for (int i = 0; i < reader.getNamespaceCount(); i++) {
      String p = reader.getNamespacePrefix(i);
      sb.append(p == null || p.isEmpty() ? " xmlns" : " xmlns:" + p).append("='");
      XmlWriter.escapeAttr(String.valueOf(reader.getNamespaceURI(i)), sb);
      sb.append('\'');
    }
    return sb.append('>').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private String attrName(int i) {
    String ns = reader.getAttributeNamespace(i);
    String local = reader.getAttributeLocalName(i);
    if (ns == null || ns.isEmpty()) {
      return local;
    }
    if (XMLConstants.XML_NS_URI.equals(ns)) {
      return "xml:" + local;
    }
    return "{" + ns + "}" + local;
  }

  private Event endElement() throws XmppStreamException {
    depth--;
    if (depth == 0) {
      closed = true;
      return new StreamClosed();
    }
    flushText();
    Element e = stack.remove(stack.size() - 1).build();
    if (stack.isEmpty()) {
      long start = boundary;
      markBoundary();
      if (boundary - start > maxStanzaBytes) {
        // the whole element arrived in one chunk, so the incomplete-input check never saw it
        throw new XmppStreamException(
            StreamErrorCondition.POLICY_VIOLATION,
            "stanza larger than " + maxStanzaBytes + " bytes");
      }
      return new ElementParsed(e);
    }
    stack.get(stack.size() - 1).child(e);
    return null;
  }

  private void characters() throws XMLStreamException {
    if (depth <= 1) {
      // whitespace keepalives between stanzas; RFC 6120 allows nothing else there
      String s = reader.getText();
      if (!s.isBlank()) {
        throw new XMLStreamException("text outside of a stanza");
      }
      markBoundary();
      return;
    }
    if (text == null) {
      text = new StringBuilder();
    }
    text.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
  }

  private void flushText() {
    if (text != null && !stack.isEmpty()) {
      stack.get(stack.size() - 1).text(text.toString());
    }
    text = null;
  }

  private void markBoundary() {
    boundary = endOffset();
  }

  private long endOffset() {
    if (reader == null) {
      return fed;
    }
    try {
      return reader.getLocationInfo().getEndingByteOffset();
    } catch (XMLStreamException e) {
      // only thrown while a token is incomplete, which never holds at an event boundary
      return fed;
    }
  }
}
