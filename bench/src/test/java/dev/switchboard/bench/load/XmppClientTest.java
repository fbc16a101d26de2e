package dev.switchboard.bench.load;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client state machine against a scripted server on an {@link EmbeddedChannel}: the server's
 * bytes arrive one at a time, or several elements in one read, and the login still completes.
 */
class XmppClientTest {
  private static final String HEADER =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
          + " xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost'"
          + " version='1.0'>";
  private static final String SASL_FEATURES =
      "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
          + "<mechanism>SCRAM-SHA-256</mechanism><mechanism>PLAIN</mechanism></mechanisms>"
          + "</stream:features>";
  private static final String BIND_FEATURES =
      "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";

  private final List<String> events = new ArrayList<>();
  private final List<Element> messages = new ArrayList<>();

  private final XmppClient.Listener listener =
      new XmppClient.Listener() {
        @Override
        public void online(XmppClient client, long loginNanos) {
          events.add("online " + client.user);
        }

        @Override
        public void failed(XmppClient client, String reason) {
          events.add("failed " + reason);
        }

        @Override
        public void message(XmppClient client, Element message, long arrivedNanos) {
          messages.add(message);
        }

        @Override
        public void closed(XmppClient client, boolean requested) {
          events.add("closed " + requested);
        }
      };

  private static ClientSettings settings(String mechanism, boolean session) {
    return new ClientSettings(
        "127.0.0.1",
        java.util.List.of(5222),
        "localhost",
        "u",
        1,
        "pw",
        "bench",
        mechanism,
        false,
        false,
        session,
        Duration.ofSeconds(30),
        null,
        Runnable::run);
  }

  private static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(b.toString(UTF_8));
      b.release();
    }
    return sb.toString();
  }

  private static void byteByByte(EmbeddedChannel ch, String s) {
    for (byte b : s.getBytes(UTF_8)) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
  }

  private static void oneRead(EmbeddedChannel ch, String s) {
    ch.writeInbound(Unpooled.wrappedBuffer(s.getBytes(UTF_8)));
  }

  @Test
  void logsInWithPlainWhateverTheServersWritesLookLike() {
    EmbeddedChannel ch = new EmbeddedChannel(new XmppClient(settings("PLAIN", true), listener, 6));
    assertThat(written(ch)).contains("<stream:stream").contains("to='localhost'");

    // header and features one byte at a time
    byteByByte(ch, HEADER + SASL_FEATURES);
    assertThat(written(ch))
        .isEqualTo(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AHU3AHB3</auth>");

    oneRead(ch, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    assertThat(written(ch)).startsWith("<?xml version='1.0'?><stream:stream");

    // the restarted stream's header and features in one read
    oneRead(ch, HEADER + BIND_FEATURES);
    assertThat(written(ch))
        .isEqualTo(
            "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>bench</resource></bind></iq>");
    oneRead(
        ch,
        "<iq type='result' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + "<jid>u7@localhost/bench</jid></bind></iq>");
    assertThat(written(ch)).contains("xmpp-session");
    assertThat(events).isEmpty();
    oneRead(ch, "<iq type='result' id='session'/>");
    assertThat(written(ch)).isEqualTo("<presence/>");
    assertThat(events).containsExactly("online u7");

    // online: pings are answered, messages handed on, a close is reported
    oneRead(
        ch,
        "<iq type='get' id='p1' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
            + "<message from='u8@localhost/bench' type='chat'><body>hi</body></message>");
    assertThat(written(ch)).isEqualTo("<iq id=\"p1\" to=\"localhost\" type=\"result\"/>");
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).childText("body", "jabber:client")).isEqualTo("hi");
    oneRead(ch, "</stream:stream>");
    assertThat(events).containsExactly("online u7", "closed false");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aSaslFailureFailsTheLogin() {
    EmbeddedChannel ch = new EmbeddedChannel(new XmppClient(settings("PLAIN", false), listener, 0));
    oneRead(ch, HEADER + SASL_FEATURES);
    oneRead(ch, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
    assertThat(events).containsExactly("failed SASL failure not-authorized");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void aMechanismTheServerDoesNotOfferFailsTheLogin() {
    EmbeddedChannel ch =
        new EmbeddedChannel(new XmppClient(settings("SCRAM-SHA-1", false), listener, 0));
    oneRead(ch, HEADER + SASL_FEATURES);
    assertThat(events).containsExactly("failed SASL SCRAM-SHA-1 not offered");
  }

  @Test
  void scramSendsAProofAndChecksTheServerSignature() {
    EmbeddedChannel ch =
        new EmbeddedChannel(new XmppClient(settings("SCRAM-SHA-256", false), listener, 0));
    written(ch); // the stream header
    oneRead(ch, HEADER + SASL_FEATURES);
    String auth = written(ch);
    assertThat(auth).contains("mechanism='SCRAM-SHA-256'");
    String first =
        new String(
            java.util.Base64.getDecoder()
                .decode(auth.substring(auth.indexOf('>') + 1, auth.lastIndexOf('<'))),
            UTF_8);
    assertThat(first).startsWith("n,,n=u1,r=");
    String nonce = first.substring(first.indexOf("r=") + 2);
    String serverFirst = "r=" + nonce + "srv,s=" + "c2FsdHNhbHQ=" + ",i=4096";
    oneRead(
        ch,
        "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + java.util.Base64.getEncoder().encodeToString(serverFirst.getBytes(UTF_8))
            + "</challenge>");
    ch.runPendingTasks();
    String response = written(ch);
    assertThat(response).startsWith("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>");
    // a server signature that does not match ends the login
    oneRead(
        ch,
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + java.util.Base64.getEncoder().encodeToString("v=AAAA".getBytes(UTF_8))
            + "</success>");
    assertThat(events).containsExactly("failed SCRAM server signature does not verify");
  }
}
