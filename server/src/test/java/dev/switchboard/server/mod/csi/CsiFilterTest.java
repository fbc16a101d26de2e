package dev.switchboard.server.mod.csi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.session.SessionFilter.Outbound;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.XmlReader;
import org.junit.jupiter.api.Test;

class CsiFilterTest {
  static final String CS = "http://jabber.org/protocol/chatstates";

  static Element xml(String s) {
    return XmlReader.parseElement(s);
  }

  static CsiFilter inactive(int max) {
    CsiFilter f = new CsiFilter(max);
    assertThat(f.onNonza(Element.of("inactive", CsiModule.NS))).isFalse();
    return f;
  }

  @Test
  void activeDeliversEverything() {
    CsiFilter f = new CsiFilter(10);
    assertThat(f.decide(xml("<presence from='a@x/r'/>"))).isEqualTo(Outbound.DELIVER);
    assertThat(f.flush()).isEmpty();
  }

  @Test
  void inactiveHoldsTheNewestPresencePerSenderInOrder() {
    CsiFilter f = inactive(10);
    Element a1 = xml("<presence from='a@x/r'><show>away</show></presence>");
    Element b1 = xml("<presence from='b@x/r'/>");
    Element a2 = xml("<presence from='a@x/r' type='unavailable'/>");
    assertThat(f.decide(a1)).isEqualTo(Outbound.HOLD);
    assertThat(f.decide(b1)).isEqualTo(Outbound.HOLD);
    assertThat(f.decide(a2)).isEqualTo(Outbound.HOLD);
    // other resources of the same contact are separate senders
    Element a3 = xml("<presence from='a@x/other'/>");
    assertThat(f.decide(a3)).isEqualTo(Outbound.HOLD);
    assertThat(f.flush()).containsExactly(b1, a2, a3);
    assertThat(f.flush()).isEmpty();
  }

  @Test
  void importantStanzasAreNotHeld() {
    CsiFilter f = inactive(10);
    for (String s :
        new String[] {
          "<presence from='a@x' type='subscribe'/>",
          "<presence from='a@x' type='error'/>",
          "<message from='a@x/r' type='chat'><body>hi</body></message>",
          "<message from='a@x/r'><received xmlns='urn:xmpp:receipts' id='1'/></message>",
          "<message from='a@x/r'><displayed xmlns='urn:xmpp:chat-markers:0' id='1'/></message>",
          "<message from='a@x/r' type='chat'><composing xmlns='"
              + CS
              + "'/><body>x</body></message>",
          "<message from='a@x/r' type='error'><composing xmlns='" + CS + "'/></message>",
          "<iq from='x' type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"
        }) {
      assertThat(f.decide(xml(s))).as(s).isEqualTo(Outbound.DELIVER);
    }
  }

  @Test
  void chatStatesAreHeldPerConversationIncludingCarbons() {
    CsiFilter f = inactive(10);
    Element c1 = xml("<message from='a@x/r' type='chat'><composing xmlns='" + CS + "'/></message>");
    Element c2 = xml("<message from='a@x/r' type='chat'><paused xmlns='" + CS + "'/></message>");
    Element sent1 = carbon("composing", "u@x/desk", "a@x");
    Element sent2 = carbon("paused", "u@x/desk", "b@x");
    assertThat(f.decide(c1)).isEqualTo(Outbound.HOLD);
    assertThat(f.decide(sent1)).isEqualTo(Outbound.HOLD);
    assertThat(f.decide(sent2)).isEqualTo(Outbound.HOLD);
    assertThat(f.decide(c2)).isEqualTo(Outbound.HOLD);
    assertThat(f.flush()).containsExactly(sent1, sent2, c2);
  }

  static Element carbon(String state, String from, String to) {
    return xml(
        "<message from='u@x' to='u@x/phone' type='chat'><sent xmlns='urn:xmpp:carbons:2'>"
            + "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='"
            + from
            + "' to='"
            + to
            + "' type='chat'><"
            + state
            + " xmlns='"
            + CS
            + "'/></message></forwarded></sent></message>");
  }

  @Test
  void beyondTheBoundANewSenderIsDeliveredAndActiveReleases() {
    CsiFilter f = inactive(2);
    assertThat(f.decide(xml("<presence from='a@x/r'/>"))).isEqualTo(Outbound.HOLD);
    assertThat(f.decide(xml("<presence from='b@x/r'/>"))).isEqualTo(Outbound.HOLD);
    // a known sender still replaces; a new one goes out (after the held ones, by the session)
    assertThat(f.decide(xml("<presence from='a@x/r'><show>dnd</show></presence>")))
        .isEqualTo(Outbound.HOLD);
    assertThat(f.decide(xml("<presence from='c@x/r'/>"))).isEqualTo(Outbound.DELIVER);
    assertThat(f.flush()).hasSize(2);

    assertThat(f.decide(xml("<presence from='a@x/r'/>"))).isEqualTo(Outbound.HOLD);
    assertThat(f.onNonza(Element.of("active", CsiModule.NS))).isTrue();
    assertThat(f.flush()).hasSize(1);
    assertThat(f.decide(xml("<presence from='a@x/r'/>"))).isEqualTo(Outbound.DELIVER);
  }
}
