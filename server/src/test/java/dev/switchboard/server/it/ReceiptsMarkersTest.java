package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0184 receipts, XEP-0333 chat markers and XEP-0334 hints are payloads the server passes on
 * untouched; receipts and markers are kept offline and carbon-copied like messages with a body,
 * while {@code <no-store/>} and {@code <no-copy/>} keep a message out of storage and carbons.
 */
class ReceiptsMarkersTest {
  static final String RECEIPTS = "urn:xmpp:receipts";
  static final String MARKERS = "urn:xmpp:chat-markers:0";
  static final String HINTS = "urn:xmpp:hints";
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u : List.of("ra", "rx", "rb", "ry", "rc", "rz")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Predicate<Element> withId(String id) {
    return e -> e.name().equals("message") && id.equals(e.attr("id"));
  }

  static Element el(String name, String ns, String... attrs) {
    Element.Builder b = Element.builder(name, ns);
    for (int i = 0; i < attrs.length; i += 2) {
      b.attr(attrs[i], attrs[i + 1]);
    }
    return b.build();
  }

  @Test
  void receiptsMarkersAndHintsArriveUntouched() throws Exception {
    try (Peer x = Peer.online(server, "rx", "x");
        Peer u = Peer.online(server, "ra", "u")) {
      x.send(
          "<message type='chat' id='m1' to='"
              + u.bare()
              + "'><body>hi</body><request xmlns='"
              + RECEIPTS
              + "'/><markable xmlns='"
              + MARKERS
              + "'/><store xmlns='"
              + HINTS
              + "'/><no-permanent-store xmlns='"
              + HINTS
              + "'/><origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>");
      Element got = u.expect("the message", withId("m1"));
      assertThat(got.elements())
          .containsExactly(
              Element.builder("body", Namespaces.CLIENT).text("hi").build(),
              el("request", RECEIPTS),
              el("markable", MARKERS),
              el("store", HINTS),
              el("no-permanent-store", HINTS),
              el("origin-id", "urn:xmpp:sid:0", "id", "o1"));

      u.send(
          "<message id='r1' to='"
              + x.jid
              + "'><received xmlns='"
              + RECEIPTS
              + "' id='m1'/></message>");
      u.send(
          "<message type='chat' id='d1' to='"
              + x.jid
              + "'><displayed xmlns='"
              + MARKERS
              + "' id='m1'/><no-store xmlns='"
              + HINTS
              + "'/></message>");
      Element receipt = x.expect("the receipt", withId("r1"));
      assertThat(receipt.attr("from")).isEqualTo(u.jid.toString());
      assertThat(receipt.elements()).containsExactly(el("received", RECEIPTS, "id", "m1"));
      Element marker = x.expect("the marker", withId("d1"));
      assertThat(marker.attr("type")).isEqualTo("chat");
      assertThat(marker.elements())
          .containsExactly(el("displayed", MARKERS, "id", "m1"), el("no-store", HINTS));
    }
  }

  @Test
  void receiptsAndMarkersAreStoredOfflineButNotWhatIsMarkedNoStore() throws Exception {
    try (Peer x = Peer.online(server, "ry", "x")) {
      String to = "rb@localhost";
      x.send(
          "<message id='rc' to='" + to + "'><received xmlns='" + RECEIPTS + "' id='a'/></message>");
      x.send(
          "<message type='chat' id='mk' to='"
              + to
              + "'><displayed xmlns='"
              + MARKERS
              + "' id='a'/></message>");
      x.send(
          "<message type='chat' id='ns' to='"
              + to
              + "'><body>keep out</body><no-store xmlns='"
              + HINTS
              + "'/></message>");
      x.send(
          "<message id='st' to='"
              + to
              + "'><x xmlns='urn:example:payload'/><store xmlns='"
              + HINTS
              + "'/></message>");
      List<Element> answers = x.sync(Jid.bare("rb", TestServer.DOMAIN));
      // what was stored is acknowledged without an error; the no-store message was not stored
      assertThat(answers)
          .filteredOn(e -> "error".equals(e.attr("type")))
          .extracting(e -> e.attr("id"))
          .containsExactly("ns");

      try (Peer u = Peer.online(server, "rb", "u")) {
        List<Element> got = u.sync().stream().filter(e -> e.name().equals("message")).toList();
        assertThat(got).extracting(e -> e.attr("id")).containsExactly("rc", "mk", "st");
        for (Element m : got) {
          assertThat(m.hasChild("delay", "urn:xmpp:delay")).as(m.toXml()).isTrue();
        }
        assertThat(got.get(0).child("received", RECEIPTS).attr("id")).isEqualTo("a");
        assertThat(got.get(1).child("displayed", MARKERS).attr("id")).isEqualTo("a");
      }
    }
  }

  @Test
  void receiptsAndMarkersAreCarbonCopiedUnlessNoCopy() throws Exception {
    try (Peer x = Peer.online(server, "rz", "x");
        Peer a = Peer.online(server, "rc", "a");
        Peer b = Peer.online(server, "rc", "b")) {
      String id = Peer.nextId();
      b.iq(id, "<iq type='set' id='" + id + "'><enable xmlns='urn:xmpp:carbons:2'/></iq>");

      // a receipt (type normal, no body) for a: b gets a received carbon
      x.send(
          "<message id='r2' to='"
              + a.jid
              + "'><received xmlns='"
              + RECEIPTS
              + "' id='m2'/></message>");
      a.expect("the receipt", withId("r2"));
      Element copy = b.expect("a carbon of the receipt", e -> inner(e, "received", "r2") != null);
      assertThat(inner(copy, "received", "r2").child("received", RECEIPTS).attr("id"))
          .isEqualTo("m2");

      // a marker a sends (type normal, no body): b gets a sent carbon
      a.send(
          "<message id='d2' to='"
              + x.bare()
              + "'><displayed xmlns='"
              + MARKERS
              + "' id='m2'/></message>");
      x.expect("the marker", withId("d2"));
      copy = b.expect("a carbon of the marker", e -> inner(e, "sent", "d2") != null);
      assertThat(inner(copy, "sent", "d2").child("displayed", MARKERS).attr("id")).isEqualTo("m2");

      // with <no-copy/>: delivered, not copied
      a.send(
          "<message id='r3' to='"
              + x.bare()
              + "'><received xmlns='"
              + RECEIPTS
              + "' id='m3'/><no-copy xmlns='"
              + HINTS
              + "'/></message>");
      x.expect("the receipt", withId("r3"));
      a.sync();
      assertThat(b.sync()).noneMatch(e -> CarbonsTest.carbon(e, "sent") != null);
    }
  }

  /** The forwarded message with this id inside a carbon of {@code direction}, or null. */
  static Element inner(Element e, String direction, String id) {
    Element m = CarbonsTest.carbon(e, direction);
    return m != null && id.equals(m.attr("id")) ? m : null;
  }
}
