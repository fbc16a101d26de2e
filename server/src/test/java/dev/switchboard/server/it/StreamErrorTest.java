package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Bad input ends only the offending stream, with the RFC 6120 stream error, while a conversation
 * between two other clients goes on undisturbed.
 */
class StreamErrorTest {
  static TestServer server;
  static XMPPTCPConnection alice;
  static XMPPTCPConnection bob;
  static BlockingQueue<Message> bobInbox;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("c2s.max-stanza-size", "4KiB"));
    server.createAccount("alice", "a");
    server.createAccount("bob", "b");
    server.createAccount("eve", "e");
    alice = Smack.login(server, "alice", "a");
    bob = Smack.login(server, "bob", "b");
    bobInbox = ChatTest.inbox(bob);
  }

  @AfterAll
  static void stop() {
    alice.disconnect();
    bob.disconnect();
    server.close();
  }

  /** The others still talk: a message from alice reaches bob. */
  private static void othersStillChat(String marker) throws Exception {
    alice.sendStanza(
        alice
            .getStanzaFactory()
            .buildMessageStanza()
            .to(JidCreate.entityBareFrom("bob@localhost"))
            .setBody(marker)
            .build());
    Message m = bobInbox.poll(10, TimeUnit.SECONDS);
    assertThat(m).isNotNull();
    assertThat(m.getBody()).isEqualTo(marker);
  }

  private static void expectStreamError(ScriptedClient c, String condition) throws Exception {
    Element error = c.next();
    assertThat(error.is("error", Namespaces.STREAM)).as(error.toXml()).isTrue();
    assertThat(error.childIn(Namespaces.STREAMS).name()).isEqualTo(condition);
    assertThat(c.closedByServer()).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "<!-- a comment --><presence/>|restricted-xml",
        "<?php echo 1; ?>|restricted-xml",
        "<message><body>&custom;</body></message>|restricted-xml",
        "<message><body>unclosed</message>|not-well-formed",
        "<message a='1' a='2'/> |not-well-formed",
        "<message>text & stray ampersand</message>|not-well-formed",
      })
  void badXmlAfterLoginEndsTheStream(String xml, String condition) throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, true)) {
      c.open();
      c.loginPlain("eve", "e");
      c.send(xml);
      expectStreamError(c, condition);
    }
    othersStillChat("after " + condition);
  }

  @Test
  void dtdBeforeTheStreamIsRestrictedXml() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, false)) {
      c.send("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY boom 'boom'>]>");
      c.send(ScriptedClient.HEADER.substring("<?xml version='1.0'?>".length()));
      // the server answers with its own header, then the error
      dev.switchboard.xmpp.XmppStreamParser.Event first = c.nextEvent();
      assertThat(first).isInstanceOf(dev.switchboard.xmpp.XmppStreamParser.StreamOpened.class);
      expectStreamError(c, "restricted-xml");
    }
    othersStillChat("after DTD");
  }

  @Test
  void overSizeStanzaIsPolicyViolation() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, true)) {
      c.open();
      c.loginPlain("eve", "e");
      c.send("<message to='bob@localhost'><body>" + "x".repeat(8000) + "</body></message>");
      expectStreamError(c, "policy-violation");
    }
    othersStillChat("after oversize");
    assertThat(bobInbox.poll(300, TimeUnit.MILLISECONDS)).as("oversize never delivered").isNull();
  }

  @Test
  void stanzaBeforeAuthenticationIsNotAuthorized() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, true)) {
      c.open();
      c.send("<message to='bob@localhost'><body>sneaky</body></message>");
      expectStreamError(c, "not-authorized");
    }
    othersStillChat("after unauthenticated stanza");
    assertThat(bobInbox.poll(300, TimeUnit.MILLISECONDS)).as("sneaky never delivered").isNull();
  }

  @Test
  void spoofedFromIsInvalidFrom() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, true)) {
      c.open();
      c.loginPlain("eve", "e");
      c.send(
          "<message from='alice@localhost/x' to='bob@localhost'><body>I am alice</body></message>");
      expectStreamError(c, "invalid-from");
    }
    othersStillChat("after spoofing");
  }

  @Test
  void wrongHostIsHostUnknown() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, false)) {
      c.send(ScriptedClient.HEADER.replace("to='localhost'", "to='example.org'"));
      assertThat(c.nextEvent())
          .isInstanceOf(dev.switchboard.xmpp.XmppStreamParser.StreamOpened.class);
      expectStreamError(c, "host-unknown");
    }
  }

  @Test
  void unknownTopLevelElementIsUnsupportedStanzaType() throws Exception {
    try (ScriptedClient c = new ScriptedClient(server, true)) {
      c.open();
      c.loginPlain("eve", "e");
      c.send("<foo/>");
      expectStreamError(c, "unsupported-stanza-type");
    }
  }
}
