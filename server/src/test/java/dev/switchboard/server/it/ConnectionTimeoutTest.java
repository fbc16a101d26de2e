package dev.switchboard.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The c2s timeouts over real sockets, with short settings. {@code c2s.handshake-timeout} closes a
 * connection that has not bound a resource in time, even one that keeps sending; {@code
 * c2s.idle-timeout} makes the server ping a quiet bound client (XEP-0199) and close the stream with
 * {@code <connection-timeout/>} when the ping goes unanswered, while a client that answers stays.
 * Each test waits for the server's ping or stream error, which would never come if the timeout did
 * nothing (the client then fails after 10 s without an answer). Times are checked only loosely,
 * from below: this machine is noisy.
 */
class ConnectionTimeoutTest {
  static final Duration HANDSHAKE = Duration.ofSeconds(1);
  static final Duration IDLE = Duration.ofSeconds(2);

  /** Handshake timeout 1 s; the idle timeout keeps its default of minutes. */
  static TestServer handshake;

  /** Idle timeout 2 s; the handshake timeout keeps its default of 30 s. */
  static TestServer idle;

  @BeforeAll
  static void start() {
    handshake = TestServer.start(Map.of("c2s.handshake-timeout", HANDSHAKE.toMillis() + "ms"));
    handshake.createAccount("slow", "pw");
    idle = TestServer.start(Map.of("c2s.idle-timeout", IDLE.toMillis() + "ms"));
    idle.createAccount("quiet", "pw");
    idle.createAccount("awake", "pw");
  }

  @AfterAll
  static void stop() {
    if (handshake != null) {
      handshake.close();
    }
    if (idle != null) {
      idle.close();
    }
  }

  @Test
  void aStreamThatNeverAuthenticatesIsClosedAfterTheHandshakeTimeout() throws Exception {
    long t0 = System.nanoTime();
    try (ScriptedClient c = new ScriptedClient(handshake, false)) {
      c.open();
      expectConnectionTimeout(c);
    }
    assertThat(millisSince(t0)).as("closed after").isGreaterThanOrEqualTo(HANDSHAKE.toMillis() / 2);
  }

  @Test
  void anAuthenticatedStreamThatNeverBindsIsClosedThoughItKeepsSending() throws Exception {
    long t0 = System.nanoTime();
    try (ScriptedClient c = new ScriptedClient(handshake, true)) {
      c.open();
      Element features = c.authenticatePlain("slow", "pw");
      assertThat(features.hasChild("bind", "urn:ietf:params:xml:ns:xmpp-bind")).isTrue();
      // whitespace keepalives: the connection is not idle, it just never binds
      Thread keepalive =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      while (true) {
                        c.send(" ");
                        Thread.sleep(200);
                      }
                    } catch (IOException | InterruptedException closed) {
                      // the server closed the connection, or the test is over
                    }
                  });
      try {
        expectConnectionTimeout(c);
      } finally {
        keepalive.interrupt();
      }
    }
    assertThat(millisSince(t0)).as("closed after").isGreaterThanOrEqualTo(HANDSHAKE.toMillis() / 2);
  }

  @Test
  void aQuietClientIsPingedThenClosedWhenItDoesNotAnswer() throws Exception {
    try (ScriptedClient c = new ScriptedClient(idle, true)) {
      c.open();
      String jid = c.loginPlain("quiet", "pw", "phone");
      long bound = System.nanoTime();
      Element ping = c.next();
      long pinged = System.nanoTime();
      expectPing(ping, jid);
      assertThat(millisSince(bound)).as("pinged after").isGreaterThanOrEqualTo(IDLE.toMillis() / 2);
      // no answer, nothing else either
      expectConnectionTimeout(c);
      assertThat(millisSince(pinged))
          .as("closed after the ping")
          .isGreaterThanOrEqualTo(IDLE.toMillis() / 2);
    }
  }

  @Test
  void aClientThatAnswersThePingsStaysConnected() throws Exception {
    try (ScriptedClient c = new ScriptedClient(idle, true)) {
      c.open();
      String jid = c.loginPlain("awake", "pw", "laptop");
      long bound = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        Element ping = c.next();
        expectPing(ping, jid);
        c.send("<iq type='result' id='" + ping.attr("id") + "' to='" + ping.attr("from") + "'/>");
      }
      // three idle periods and more have passed; the stream still serves
      assertThat(millisSince(bound)).isGreaterThanOrEqualTo(IDLE.toMillis() * 3 / 2);
      c.send("<iq type='get' id='mine' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
      Element pong = c.next();
      assertThat(pong.is("iq", Namespaces.CLIENT)).as(pong.toXml()).isTrue();
      assertThat(pong.attr("type")).as(pong.toXml()).isEqualTo("result");
      assertThat(pong.attr("id")).isEqualTo("mine");
    }
  }

  /** The server's keepalive: {@code <iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>}. */
  private static void expectPing(Element e, String jid) {
    assertThat(e.is("iq", Namespaces.CLIENT)).as(e.toXml()).isTrue();
    assertThat(e.attr("type")).as(e.toXml()).isEqualTo("get");
    assertThat(e.hasChild("ping", "urn:xmpp:ping")).as(e.toXml()).isTrue();
    assertThat(e.attr("from")).isEqualTo(TestServer.DOMAIN);
    assertThat(e.attr("to")).isEqualTo(jid);
  }

  private static void expectConnectionTimeout(ScriptedClient c) throws Exception {
    Element error = c.next();
    assertThat(error.is("error", Namespaces.STREAM)).as(error.toXml()).isTrue();
    assertThat(error.childIn(Namespaces.STREAMS).name()).isEqualTo("connection-timeout");
    assertThat(c.closedByServer()).as("the connection is closed").isTrue();
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
