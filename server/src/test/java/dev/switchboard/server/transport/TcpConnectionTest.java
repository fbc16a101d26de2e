package dev.switchboard.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StreamErrorCondition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TCP connection on Netty's {@link EmbeddedChannel}: framing out, parsing and flow in. */
class TcpConnectionTest {
  private static final String HEADER =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
          + " xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>";

  private EmbeddedChannel channel;
  private TcpConnection connection;
  private final List<Object> heard = new ArrayList<>();

  private final ClientConnection.Listener listener =
      new ClientConnection.Listener() {
        @Override
        public void input(StreamInput input) {
          heard.add(input);
        }

        @Override
        public void closed() {
          heard.add("closed");
        }

        @Override
        public void idle() {
          heard.add("idle");
        }
      };

  @BeforeEach
  void open() {
    XmppStreamHandler reader = new XmppStreamHandler(64 * 1024, Duration.ZERO);
    channel = new EmbeddedChannel(reader);
    connection = new TcpConnection(channel, reader, null, false);
    connection.attach(listener);
    channel.runPendingTasks();
  }

  private void receive(String xml) {
    channel.writeInbound(Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
    channel.runPendingTasks();
  }

  private String written() {
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      sb.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    return sb.toString();
  }

  @Test
  void opensTheStreamWithTheStreamPrefixAndTheDomain() {
    connection.openStream("example.org", "abc");
    assertThat(written())
        .isEqualTo(
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams' id='abc' from='example.org'"
                + " version='1.0' xml:lang='en'>");
  }

  @Test
  void featuresAreWrappedInStreamFeaturesAndStanzasCarryNoRedundantNamespace() {
    connection.sendFeatures(List.of(Element.of("bind", Namespaces.BIND)));
    assertThat(written())
        .isEqualTo("<stream:features><bind xmlns=\"" + Namespaces.BIND + "\"/></stream:features>");
    connection.send(
        Element.builder("message", Namespaces.CLIENT).attr("to", "a@example.org").build());
    assertThat(written()).isEqualTo("<message to=\"a@example.org\"/>");
  }

  @Test
  void aStreamErrorEndsTheStreamAndClosesTheConnection() {
    connection.streamError(StreamErrorCondition.CONFLICT, "replaced");
    channel.runPendingTasks();
    assertThat(written())
        .isEqualTo(
            "<stream:error><conflict xmlns='"
                + Namespaces.STREAMS
                + "'/><text xmlns='"
                + Namespaces.STREAMS
                + "'>replaced</text></stream:error></stream:stream>");
    assertThat(channel.isActive()).isFalse();
    assertThat(connection.isOpen()).isFalse();
  }

  @Test
  void untilBoundTheReaderWaitsForTheSessionAfterEachElement() {
    receive(HEADER + "<auth xmlns='" + Namespaces.SASL + "'/><iq type='get' id='x'/>");
    assertThat(heard).hasSize(2);
    assertThat(heard.get(0)).isInstanceOf(StreamInput.Opened.class);
    assertThat(((StreamInput.Received) heard.get(1)).element().name()).isEqualTo("auth");
    connection.readMore(false, false);
    channel.runPendingTasks();
    assertThat(heard).hasSize(3);
    assertThat(((StreamInput.Received) heard.get(2)).element().name()).isEqualTo("iq");
  }

  @Test
  void aHeldConnectionIsNotReadUntilReleasedEvenAfterReadMore() {
    receive(HEADER);
    connection.readMore(false, true);
    channel.runPendingTasks();
    assertThat(channel.config().isAutoRead()).isTrue();
    connection.holdReading(true);
    channel.runPendingTasks();
    assertThat(channel.config().isAutoRead()).isFalse();
    connection.readMore(false, true); // what the session does after each element
    connection.consumed();
    channel.runPendingTasks();
    assertThat(channel.config().isAutoRead()).isFalse();
    connection.holdReading(false);
    channel.runPendingTasks();
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void whileHeldWhatWasReadWaitsAsBytesAndComesOutInOrderWhenReleased() {
    receive(HEADER);
    connection.readMore(false, true);
    channel.runPendingTasks();
    connection.holdReading(true);
    channel.runPendingTasks();
    int before = heard.size();
    receive("<message id='1'/><message id='2'/>");
    receive("<message id='3'/>");
    assertThat(heard).hasSize(before);
    connection.holdReading(false);
    channel.runPendingTasks();
    assertThat(heard.subList(before, heard.size()))
        .extracting(i -> ((StreamInput.Received) i).element().attr("id"))
        .containsExactly("1", "2", "3");
  }

  @Test
  void aFullMailboxStopsParsingUntilTheSessionCatchesUp() {
    receive(HEADER);
    connection.readMore(false, true);
    channel.runPendingTasks();
    int before = heard.size();
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < XmppStreamHandler.MAX_IN_FLIGHT + 10; i++) {
      many.append("<message id='").append(i).append("'/>");
    }
    receive(many.toString());
    // nothing was consumed yet, the stream header included
    assertThat(heard).hasSize(XmppStreamHandler.MAX_IN_FLIGHT);
    assertThat(channel.config().isAutoRead()).isFalse();
    for (int i = 0; i < XmppStreamHandler.MAX_IN_FLIGHT / 2; i++) {
      connection.consumed();
    }
    channel.runPendingTasks();
    assertThat(heard.size() - before).isEqualTo(XmppStreamHandler.MAX_IN_FLIGHT + 10);
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void aRestartHandsTheRemainingBytesToANewParser() {
    receive(HEADER + "<auth xmlns='" + Namespaces.SASL + "'/>" + HEADER);
    assertThat(heard).hasSize(2);
    connection.readMore(true, false);
    channel.runPendingTasks();
    assertThat(heard).hasSize(3);
    assertThat(heard.get(2)).isInstanceOf(StreamInput.Opened.class);
  }

  @Test
  void badXmlBecomesAMalformedInput() {
    receive(HEADER);
    receive("<message><body>unclosed</message>");
    assertThat(heard.get(heard.size() - 1)).isInstanceOf(StreamInput.Malformed.class);
    assertThat(((StreamInput.Malformed) heard.get(heard.size() - 1)).condition())
        .isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
  }

  @Test
  void aNewListenerTakesOverAndTheOldOneHearsNothingMore() {
    List<Object> second = new ArrayList<>();
    connection.attach(
        new ClientConnection.Listener() {
          @Override
          public void input(StreamInput input) {
            second.add(input);
          }

          @Override
          public void closed() {
            second.add("closed");
          }

          @Override
          public void idle() {}
        });
    channel.runPendingTasks();
    receive(HEADER);
    assertThat(heard).isEmpty();
    assertThat(second).hasSize(1);
    channel.close();
    channel.runPendingTasks();
    assertThat(second).contains("closed");
    assertThat(heard).isEmpty();
  }

  @Test
  void aClosedConnectionIsReported() {
    channel.close();
    channel.runPendingTasks();
    assertThat(heard).containsExactly("closed");
  }

  @Test
  void startTlsIsOfferedOnlyWithAContextAndNotTwice() {
    assertThat(connection.canStartTls()).isFalse();
    assertThat(connection.secured()).isFalse();
    assertThat(connection.transport()).isEqualTo("tcp");
  }
}
