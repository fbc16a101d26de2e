package dev.switchboard.server.stream;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StreamErrorCondition;
import java.util.List;

/**
 * A client's connection as its session sees it: typed framing and flow control, whatever the
 * transport. TCP (with STARTTLS or direct TLS) writes {@code <stream:stream>}; a WebSocket would
 * write RFC 7395's {@code <open/>} and one element per frame. Moving a session to another
 * connection (XEP-0198 resumption) moves this handle. Calls may come from any thread; a transport
 * keeps their order.
 */
public interface ClientConnection {
  /** What a connection tells its session. */
  interface Listener {
    /** Input from the client (a stream header, an element, its stream's end, a parse error). */
    void input(StreamInput input);

    /** The connection is gone. */
    void closed();

    /** Nothing arrived for the idle timeout. */
    void idle();
  }

  /**
   * Sends this connection's events to {@code listener} from now on and starts reading; a listener
   * attached before hears nothing more (a session that handed the connection over).
   */
  void attach(Listener listener);

  /** Opens our side of the stream (after each of the client's stream headers). */
  void openStream(String from, String id);

  /** Announces the stream features. */
  void sendFeatures(List<Element> features);

  /** Writes one element (a stanza or a negotiation element) in the jabber:client context. */
  void send(Element element);

  /** Writes a stream error, ends the stream and closes the connection without losing either. */
  void streamError(StreamErrorCondition condition, String text);

  /** Ends the stream and closes the connection gracefully. */
  void close();

  /** Drops the connection at once (one its client has given up on). */
  void abort();

  /** Whether this transport can layer TLS on an open connection (RFC 6120 STARTTLS). */
  boolean canStartTls();

  /** Starts TLS under everything that follows; the {@code <proceed/>} went out just before. */
  void startTls();

  /**
   * Lets the client's next bytes in (see {@link StreamAction.ReadMore}); {@code restart}: a new
   * stream begins with them; {@code established}: read freely from now on.
   */
  void readMore(boolean restart, boolean established);

  /** The session has taken one input off its mailbox (flow control). */
  void consumed();

  /**
   * Stops reading from the client ({@code true}) until called again with {@code false}, whatever
   * else lets reads in: the session's back-pressure on a client whose messages wait to be
   * confirmed. Bytes already read are still parsed and handed on.
   */
  void holdReading(boolean hold);

  /** Bytes written and not yet taken by the client (a reader that stops reading). */
  long pendingOutputBytes();

  /** Whether the connection is still open. */
  boolean isOpen();

  /** Whether TLS protects it now (from the start, or since STARTTLS). */
  boolean secured();

  /** The transport's name for the admin tools: "tcp", "tls". */
  String transport();
}
