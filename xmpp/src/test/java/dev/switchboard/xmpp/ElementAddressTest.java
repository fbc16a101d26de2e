package dev.switchboard.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ElementAddressTest {
  private static Element message(String to, String from) {
    Element.Builder b = Element.builder("message", "jabber:client");
    if (to != null) {
      b.attr("to", to);
    }
    if (from != null) {
      b.attr("from", from);
    }
    return b.build();
  }

  @Test
  void addressesAreParsedAndCanonical() {
    Element m = message("Bob@Example.COM/phone", "alice@example.com/laptop");
    assertThat(m.toJid()).isEqualTo(Jid.parse("bob@example.com/phone"));
    assertThat(m.fromJid()).isEqualTo(Jid.parse("alice@example.com/laptop"));
    assertThat(m.toJid()).isSameAs(m.toJid());
  }

  @Test
  void aMissingOrInvalidAddressIsNullEveryTime() {
    Element m = message("a@b@c", null);
    assertThat(m.toJid()).isNull();
    assertThat(m.toJid()).isNull();
    assertThat(m.fromJid()).isNull();
  }

  @Test
  void aChangedAttributeIsParsedAnewAndTheOtherIsKept() {
    Element m = message("bob@example.com", "alice@example.com/laptop");
    Jid to = m.toJid();
    m.fromJid();

    Element stamped = m.withAttr("from", "carol@example.com/desk");
    assertThat(stamped.fromJid()).isEqualTo(Jid.parse("carol@example.com/desk"));
    assertThat(stamped.toJid()).isSameAs(to);

    Element redirected = m.withAttr("to", "dave@example.com");
    assertThat(redirected.toJid()).isEqualTo(Jid.parse("dave@example.com"));
    assertThat(redirected.fromJid()).isEqualTo(m.fromJid());

    assertThat(m.withoutAttr("to").toJid()).isNull();
    assertThat(m.withoutAttr("from").toJid()).isSameAs(to);
    assertThat(m.withAttr("to", "not@valid@jid").toJid()).isNull();
  }

  @Test
  void aCopyWithOtherChildrenKeepsBothParses() {
    Element m = message("bob@example.com", "alice@example.com/laptop");
    Jid to = m.toJid();
    Jid from = m.fromJid();
    Element withBody = m.withChild(Element.of("body", "jabber:client"));
    assertThat(withBody.toJid()).isSameAs(to);
    assertThat(withBody.fromJid()).isSameAs(from);
  }

  @Test
  void anAddressSetAsAJidIsWrittenCanonicalAndKeptParsed() {
    Jid alice = Jid.parse("Alice@Example.com/laptop");
    Jid bob = Jid.parse("bob@example.com");
    Element m = message("someone@example.com", "spoofed@example.com").withFrom(alice).withTo(bob);
    assertThat(m.attr("from")).isEqualTo("alice@example.com/laptop");
    assertThat(m.attr("to")).isEqualTo("bob@example.com");
    assertThat(m.fromJid()).isSameAs(alice);
    assertThat(m.toJid()).isSameAs(bob);
    assertThat(m.withFrom(null).attr("from")).isNull();
    assertThat(m.withFrom(null).fromJid()).isNull();
  }

  @Test
  void aJidsTextAndBareFormAreMadeOnce() {
    Jid j = Jid.parse("alice@example.com/laptop");
    assertThat(j.toString()).isEqualTo("alice@example.com/laptop").isSameAs(j.toString());
    assertThat(j.toBare()).isEqualTo(Jid.parse("alice@example.com")).isSameAs(j.toBare());
    assertThat(j.toBare().hashCode()).isEqualTo(Jid.parse("alice@example.com").hashCode());
  }
}
