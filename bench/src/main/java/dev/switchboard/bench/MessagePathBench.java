package dev.switchboard.bench;

import dev.switchboard.server.Server;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.XmppStreamParser;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * End-to-end cost of one chat message on one node: client A writes a message to B's bare JID; it
 * goes through A's session actor, the router, B's sharded user actor and B's session actor to B's
 * socket. A keeps at most {@code window} messages in flight; B stamps each arrival's latency.
 *
 * <p>Run: {@code java -cp ... dev.switchboard.bench.MessagePathBench [messages] [window]}
 */
public final class MessagePathBench {
  private static final String HEADER =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
          + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Path dir = Files.createTempDirectory("sb-bench");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> o = new LinkedHashMap<>();
    o.put("data-dir", "\"" + dir + "\"");
    o.put("c2s.bind-address", "\"127.0.0.1\"");
    o.put("c2s.port", Integer.toString(port));
    o.put("c2s.tls-port", "0");
    o.put("http.port", "0");
    o.put("c2s.require-tls", "false");
    try (Server server = Server.start(ConfigLoader.load(null, o))) {
      server.accounts().create(Jid.parse("a@localhost"), Passwords.derive("pw", 4096));
      server.accounts().create(Jid.parse("b@localhost"), Passwords.derive("pw", 4096));
      Client a = Client.login(port, "a");
      Client b = Client.login(port, "b");
      Histogram latency = new Histogram(60_000_000_000L, 3);
      Semaphore inFlight = new Semaphore(window);
      AtomicLong received = new AtomicLong();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      while (received.get() < n) {
                        Element m = b.next();
                        if (!m.name().equals("message")) {
                          continue;
                        }
                        long sent = Long.parseLong(m.childText("body", "jabber:client"));
                        latency.recordValue(System.nanoTime() - sent);
                        received.incrementAndGet();
                        inFlight.release();
                      }
                    } catch (Exception e) {
                      e.printStackTrace();
                    }
                  });
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        inFlight.acquire();
        a.send(
            "<message to='b@localhost' type='chat'><body>"
                + System.nanoTime()
                + "</body></message>");
      }
      reader.join();
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "%d messages, window %d: %.0f msg/s; latency p50 %.0f us, p99 %.0f us, p99.9 %.0f us,"
              + " max %.0f us%n",
          n,
          window,
          n / secs,
          latency.getValueAtPercentile(50) / 1e3,
          latency.getValueAtPercentile(99) / 1e3,
          latency.getValueAtPercentile(99.9) / 1e3,
          latency.getMaxValue() / 1e3);
      a.close();
      b.close();
    }
  }

  /** A blocking client that logs in with PLAIN over plain TCP and sends initial presence. */
  static final class Client {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private XmppStreamParser parser = new XmppStreamParser(1 << 20, 64);
    private final java.util.ArrayDeque<Element> ready = new java.util.ArrayDeque<>();
    private final byte[] buf = new byte[65536];

    private Client(Socket s) throws Exception {
      socket = s;
      s.setTcpNoDelay(true);
      out = s.getOutputStream();
      in = s.getInputStream();
    }

    static Client login(int port, String user) throws Exception {
      Client c = new Client(new Socket("127.0.0.1", port));
      c.send(HEADER);
      c.next();
      String creds =
          Base64.getEncoder()
              .encodeToString(("\0" + user + "\0pw").getBytes(StandardCharsets.UTF_8));
      c.send(
          "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + creds + "</auth>");
      c.next();
      c.parser = new XmppStreamParser(1 << 20, 64);
      c.send(HEADER);
      c.next();
      c.send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
      c.next();
      c.send(
          "<presence/><iq type='get' id='sync' to='"
              + user
              + "@localhost'>"
              + "<ping xmlns='urn:xmpp:ping'/></iq>");
      while (!"sync".equals(c.next().attr("id"))) {
        // skip own presence
      }
      return c;
    }

    void send(String xml) throws Exception {
      out.write(xml.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    Element next() throws Exception {
      while (ready.isEmpty()) {
        int r = in.read(buf);
        if (r < 0) {
          throw new IllegalStateException("closed");
        }
        parser.feed(buf, 0, r);
        XmppStreamParser.Event e;
        while ((e = parser.next()) != null) {
          if (e instanceof XmppStreamParser.ElementParsed p) {
            ready.add(p.element());
          }
        }
      }
      return ready.poll();
    }

    void close() throws Exception {
      socket.close();
    }
  }
}
