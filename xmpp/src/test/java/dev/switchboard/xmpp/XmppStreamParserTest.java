package dev.switchboard.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.xmpp.XmppStreamParser.ElementParsed;
import dev.switchboard.xmpp.XmppStreamParser.Event;
import dev.switchboard.xmpp.XmppStreamParser.StreamClosed;
import dev.switchboard.xmpp.XmppStreamParser.StreamOpened;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XmppStreamParserTest {
  private static final String HEADER =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
          + "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

  private static List<Event> parseAll(XmppStreamParser p, byte[] bytes, int chunk)
      throws XmppStreamException {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += chunk) {
      p.feed(bytes, i, Math.min(chunk, bytes.length - i));
      Event e;
      while ((e = p.next()) != null) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<Event> parse(String xml) throws XmppStreamException {
    return parseAll(new XmppStreamParser(1 << 16, 32), xml.getBytes(StandardCharsets.UTF_8), 4096);
  }

  @Test
  void parsesHeaderStanzasAndClose() throws Exception {
    List<Event> events =
        parse(
            HEADER
                + "<message to='a@b' id='1'><body>h&amp;llo &lt;3 \u00e9\u6f22</body></message> "
                + "<iq type='get' id='2'><query xmlns='jabber:iq:roster'/></iq></stream:stream>");
    assertThat(events).hasSize(4);
    StreamOpened open = (StreamOpened) events.get(0);
    assertThat(open.attributes())
        .containsEntry("to", "example.com")
        .containsEntry("version", "1.0");
    assertThat(open.contentNamespace()).isEqualTo(Namespaces.CLIENT);
    Element msg = ((ElementParsed) events.get(1)).element();
    assertThat(msg.is("message", Namespaces.CLIENT)).isTrue();
    assertThat(msg.childText("body", Namespaces.CLIENT)).isEqualTo("h&llo <3 \u00e9\u6f22");
    Element iq = ((ElementParsed) events.get(2)).element();
    assertThat(iq.child("query", "jabber:iq:roster")).isNotNull();
    assertThat(events.get(3)).isInstanceOf(StreamClosed.class);
  }

  @Test
  void aRestingParserGoesOnWithTheStreamsNamespaces() throws Exception {
    // any prefix for the stream element, and a prefix declared on the header used by a stanza
    String header =
        "<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams'"
            + " xmlns:x='urn:example:x' version='1.0'>";
    String stanza = "<message id='1' x:hint='a&amp;b'><body>hi</body><x:extra/></message>";
    XmppStreamParser p = new XmppStreamParser(1 << 16, 32);
    List<Event> before = parseAll(p, (header + stanza).getBytes(StandardCharsets.UTF_8), 4096);
    assertThat(before).hasSize(2);
    assertThat(p.rest()).isTrue();
    assertThat(p.resting()).isTrue();
    assertThat(p.needsInput()).isTrue();
    assertThat(p.next()).isNull();

    // fed in small pieces after the rest: the same element, then the stream's end
    List<Event> after =
        parseAll(p, (" " + stanza + "</s:stream>").getBytes(StandardCharsets.UTF_8), 7);
    assertThat(p.resting()).isFalse();
    assertThat(after).hasSize(2);
    Element first = ((ElementParsed) before.get(1)).element();
    Element again = ((ElementParsed) after.get(0)).element();
    assertThat(again.toXml()).isEqualTo(first.toXml());
    assertThat(again.child("extra", "urn:example:x")).isNotNull();
    assertThat(again.attr("{urn:example:x}hint")).isEqualTo("a&b");
    assertThat(after.get(1)).isInstanceOf(StreamClosed.class);
  }

  @Test
  void aParserDoesNotRestInTheMiddleOfAStanza() throws Exception {
    XmppStreamParser p = new XmppStreamParser(1 << 16, 32);
    assertThat(p.rest()).as("before the stream header").isFalse();
    parseAll(p, (HEADER + "<message><body>par").getBytes(StandardCharsets.UTF_8), 4096);
    assertThat(p.rest()).isFalse();
    List<Event> rest = parseAll(p, "t</body></message>".getBytes(StandardCharsets.UTF_8), 4096);
    assertThat(((ElementParsed) rest.get(0)).element().childText("body", Namespaces.CLIENT))
        .isEqualTo("part");
    assertThat(p.rest()).isTrue();
  }

  @Test
  void theSizeLimitStillHoldsAfterARest() throws Exception {
    XmppStreamParser p = new XmppStreamParser(2048, 32);
    parseAll(p, (HEADER + "<presence/>").getBytes(StandardCharsets.UTF_8), 4096);
    assertThat(p.rest()).isTrue();
    byte[] big = ("<message><body>" + "x".repeat(4000) + "</body></message>").getBytes();
    assertThatThrownBy(() -> parseAll(p, big, 512))
        .isInstanceOf(XmppStreamException.class)
        .extracting(e -> ((XmppStreamException) e).condition())
        .isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
  }

  @Test
  void randomChunkingGivesTheSameElements() throws Exception {
    StringBuilder sb = new StringBuilder(HEADER);
    for (int i = 0; i < 500; i++) {
      sb.append("<message id='m")
          .append(i)
          .append("' xml:lang='en'><body>\u00fcnic\u00f6de \ud83d\ude00 ")
          .append(i)
          .append("</body><x xmlns='urn:x'><y a='&quot;'/></x></message>");
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    Random rnd = new Random(42);
    XmppStreamParser p = new XmppStreamParser(1 << 16, 32);
    List<Element> got = new ArrayList<>();
    int i = 0;
    while (i < bytes.length) {
      int n = Math.min(1 + rnd.nextInt(37), bytes.length - i);
      p.feed(bytes, i, n);
      i += n;
      Event e;
      while ((e = p.next()) != null) {
        if (e instanceof ElementParsed ep) {
          got.add(ep.element());
        }
      }
    }
    assertThat(got).hasSize(500);
    assertThat(got.get(499).attr("id")).isEqualTo("m499");
    assertThat(got.get(7).attr("xml:lang")).isEqualTo("en");
    assertThat(got.get(7).childText("body", Namespaces.CLIENT))
        .isEqualTo("\u00fcnic\u00f6de \ud83d\ude00 7");
    assertThat(got.get(7).child("x", "urn:x").child("y", "urn:x").attr("a")).isEqualTo("\"");
  }

  @Test
  void serializedElementParsesBackIdentically() throws Exception {
    Element original =
        Element.builder("message", Namespaces.CLIENT)
            .attr("to", "a@b/c")
            .attr("xml:lang", "de")
            .textChild("body", "]]> <tag> & \"quotes\" 'apos' \u0001dropped")
            .child(Element.builder("x", "urn:other").attr("k", "v\n\t").build())
            .build();
    String xml = HEADER + XmlWriter.toXml(original).replace(" xmlns=\"jabber:client\"", "");
    Element parsed = ((ElementParsed) parse(xml).get(1)).element();
    assertThat(parsed.childText("body", Namespaces.CLIENT))
        .isEqualTo("]]> <tag> & \"quotes\" 'apos' dropped");
    assertThat(parsed.child("x", "urn:other").attr("k")).isEqualTo("v\n\t");
    assertThat(parsed.attr("xml:lang")).isEqualTo("de");
  }

  @Test
  void restrictedXmlIsRejected() {
    assertCondition(HEADER + "<!-- hi --><message/>", StreamErrorCondition.RESTRICTED_XML);
    assertCondition(HEADER + "<?foo bar?>", StreamErrorCondition.RESTRICTED_XML);
    assertCondition(
        "<?xml version='1.0'?><!DOCTYPE foo [<!ENTITY x 'y'>]>" + HEADER,
        StreamErrorCondition.RESTRICTED_XML);
    assertCondition(
        HEADER + "<message><body>&foo;</body></message>", StreamErrorCondition.RESTRICTED_XML);
  }

  @Test
  void malformedXmlIsNotWellFormed() {
    assertCondition(HEADER + "<message></iq> ", StreamErrorCondition.NOT_WELL_FORMED);
    assertCondition(HEADER + "<message a='1' a='2'/> ", StreamErrorCondition.NOT_WELL_FORMED);
    assertCondition(HEADER + "text at top level<message/>", StreamErrorCondition.NOT_WELL_FORMED);
  }

  @Test
  void wrongStreamNamespaceIsInvalidNamespace() {
    assertCondition(
        "<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:client'>",
        StreamErrorCondition.INVALID_NAMESPACE);
  }

  @Test
  void oversizeStanzaIsPolicyViolation() throws Exception {
    XmppStreamParser p = new XmppStreamParser(1024, 32);
    parseAll(p, HEADER.getBytes(StandardCharsets.UTF_8), 4096);
    byte[] big =
        ("<message><body>" + "x".repeat(2000) + "</body></message>")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> parseAll(p, big, 100))
        .isInstanceOfSatisfying(
            XmppStreamException.class,
            e -> assertThat(e.condition()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION));
  }

  @Test
  void oversizeStanzaInOneChunkIsPolicyViolation() throws Exception {
    XmppStreamParser p = new XmppStreamParser(1024, 32);
    parseAll(p, HEADER.getBytes(StandardCharsets.UTF_8), 4096);
    byte[] big =
        ("<message><body>" + "x".repeat(2000) + "</body></message>")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> parseAll(p, big, big.length))
        .isInstanceOfSatisfying(
            XmppStreamException.class,
            e -> assertThat(e.condition()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION));
  }

  @Test
  void manySmallStanzasDoNotCountAsOneBigOne() throws Exception {
    XmppStreamParser p = new XmppStreamParser(1024, 32);
    StringBuilder sb = new StringBuilder(HEADER);
    for (int i = 0; i < 1000; i++) {
      sb.append("<message><body>").append("y".repeat(100)).append("</body></message>");
    }
    assertThat(parseAll(p, sb.toString().getBytes(StandardCharsets.UTF_8), 64 * 1024))
        .hasSize(1001);
  }

  @Test
  void tooDeepIsPolicyViolation() {
    assertCondition(
        HEADER + "<a>".repeat(40) + "</a>".repeat(40), StreamErrorCondition.POLICY_VIOLATION);
  }

  @Test
  void unconsumedBytesSurviveARestart() throws Exception {
    XmppStreamParser p = new XmppStreamParser(1 << 16, 32);
    String next =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='x'>";
    byte[] all =
        (HEADER
                + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>"
                + next)
            .getBytes(StandardCharsets.UTF_8);
    p.feed(all, 0, all.length);
    assertThat(p.next()).isInstanceOf(StreamOpened.class);
    assertThat(p.next()).isInstanceOf(ElementParsed.class);
    byte[] rest = p.unconsumed();
    assertThat(new String(rest, StandardCharsets.UTF_8)).isEqualTo(next);
    XmppStreamParser fresh = new XmppStreamParser(1 << 16, 32);
    assertThat(parseAll(fresh, rest, 4096)).singleElement().isInstanceOf(StreamOpened.class);
  }

  private static void assertCondition(String xml, StreamErrorCondition expected) {
    assertThatThrownBy(() -> parse(xml))
        .isInstanceOfSatisfying(
            XmppStreamException.class, e -> assertThat(e.condition()).isEqualTo(expected));
  }
}
