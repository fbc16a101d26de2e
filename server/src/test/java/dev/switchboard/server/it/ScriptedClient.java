package dev.switchboard.server.it;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.XmppStreamException;
import dev.switchboard.xmpp.XmppStreamParser;
import dev.switchboard.xmpp.XmppStreamParser.ElementParsed;
import dev.switchboard.xmpp.XmppStreamParser.Event;
import dev.switchboard.xmpp.XmppStreamParser.StreamClosed;
import dev.switchboard.xmpp.XmppStreamParser.StreamOpened;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import javax.net.ssl.SSLSocket;

/**
 * A hand-driven XMPP client on a raw socket: a test writes exactly the bytes it wants (including
 * broken ones) and reads back what the server sent, parsed by our own stream parser.
 */
public final class ScriptedClient implements AutoCloseable {
  public static final String HEADER =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
          + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

  private final TestServer server;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private XmppStreamParser parser = new XmppStreamParser(1 << 20, 64);
  private final Deque<Event> events = new ArrayDeque<>();
  private boolean eof;

  public ScriptedClient(TestServer server, boolean directTls) throws IOException {
    this.server = server;
    Socket s = new Socket("127.0.0.1", directTls ? server.tlsPort() : server.port());
    s.setSoTimeout(10_000);
    if (directTls) {
      s = server.sslContext().getSocketFactory().createSocket(s, "localhost", s.getPort(), true);
      ((SSLSocket) s).startHandshake();
    }
    use(s);
  }

  private void use(Socket s) throws IOException {
    socket = s;
    in = s.getInputStream();
    out = s.getOutputStream();
  }

  public ScriptedClient send(String xml) throws IOException {
    out.write(xml.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return this;
  }

  /** Opens a stream and returns the features the server offered. */
  public Element open() throws Exception {
    parser = new XmppStreamParser(1 << 20, 64);
    send(HEADER);
    Event e = nextEvent();
    if (!(e instanceof StreamOpened)) {
      throw new AssertionError("expected a stream header, got " + e);
    }
    return next();
  }

  /** STARTTLS on the open stream, then a new stream over TLS; returns the new features. */
  public Element startTls() throws Exception {
    send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    Element proceed = next();
    if (!proceed.name().equals("proceed")) {
      throw new AssertionError("expected proceed, got " + proceed);
    }
    SSLSocket tls =
        (SSLSocket)
            server
                .sslContext()
                .getSocketFactory()
                .createSocket(socket, "localhost", socket.getPort(), true);
    tls.startHandshake();
    use(tls);
    return open();
  }

  /** SASL PLAIN, then a new stream and resource binding; returns the bound JID. */
  public String loginPlain(String user, String password) throws Exception {
    return loginPlain(user, password, null);
  }

  /**
   * SASL PLAIN, then a new stream and binding of {@code resource} (or one the server picks, when
   * null); returns the bound JID.
   */
  public String loginPlain(String user, String password, String resource) throws Exception {
    authenticatePlain(user, password);
    send(
        "<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + (resource == null ? "" : "<resource>" + resource + "</resource>")
            + "</bind></iq>");
    Element bound = next();
    return bound
        .child("bind", "urn:ietf:params:xml:ns:xmpp-bind")
        .childText("jid", "urn:ietf:params:xml:ns:xmpp-bind");
  }

  /** SASL PLAIN, then a new stream; returns the features offered on it (bind among them). */
  public Element authenticatePlain(String user, String password) throws Exception {
    String creds =
        Base64.getEncoder()
            .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + creds + "</auth>");
    Element r = next();
    if (!r.name().equals("success")) {
      throw new AssertionError("expected success, got " + r);
    }
    return open();
  }

  /** The next top-level element; fails on stream end or timeout. */
  public Element next() throws Exception {
    Event e = nextEvent();
    if (e instanceof ElementParsed p) {
      return p.element();
    }
    throw new AssertionError("expected an element, got " + e);
  }

  /** The next event, or a StreamClosed when the server closed the stream or connection. */
  public Event nextEvent() throws Exception {
    while (events.isEmpty()) {
      if (eof) {
        return new StreamClosed();
      }
      byte[] buf = new byte[8192];
      int n;
      try {
        n = in.read(buf);
      } catch (SocketTimeoutException t) {
        throw new AssertionError("no answer from the server within 10 s");
      } catch (IOException closed) {
        n = -1;
      }
      if (n < 0) {
        eof = true;
        continue;
      }
      try {
        parser.feed(buf, 0, n);
        Event ev;
        while ((ev = parser.next()) != null) {
          events.add(ev);
        }
      } catch (XmppStreamException bad) {
        throw new AssertionError("the server sent malformed XML: " + bad.getMessage());
      }
    }
    return events.poll();
  }

  /** True once the server has closed the stream and the TCP connection. */
  public boolean closedByServer() throws Exception {
    while (true) {
      Event e = nextEvent();
      if (e instanceof StreamClosed) {
        // after </stream:stream> the server must also close the socket
        return in.read() < 0 || eof;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
