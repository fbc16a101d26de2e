package dev.switchboard.bench.load;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.XmlWriter;
import dev.switchboard.xmpp.XmppStreamException;
import dev.switchboard.xmpp.XmppStreamParser;
import dev.switchboard.xmpp.XmppStreamParser.ElementParsed;
import dev.switchboard.xmpp.XmppStreamParser.Event;
import dev.switchboard.xmpp.XmppStreamParser.StreamClosed;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated XMPP client: a non-blocking state machine on its connection's event loop, logging
 * in the way RFC 6120 describes (stream header, optional STARTTLS, SASL PLAIN or SCRAM, stream
 * restart, resource binding, optional RFC 3921 session, initial presence) and then staying online,
 * answering server pings and handing messages to its {@link Listener}.
 *
 * <p>Nothing assumes that a server's writes line up with elements: every byte goes through an
 * incremental {@link XmppStreamParser}, so a stream header and its features may arrive in one
 * packet or in several. A client holds a few fields, its parser and its channel; no thread.
 */
final class XmppClient extends ChannelInboundHandlerAdapter {
  /** What a fleet of clients reports to. All calls come on the client's event loop. */
  interface Listener {
    /** The client bound a resource and sent its initial presence. */
    void online(XmppClient client, long loginNanos);

    /** The login failed; the connection is closed. */
    void failed(XmppClient client, String reason);

    /** A {@code <message/>} arrived while online. */
    void message(XmppClient client, Element message, long arrivedNanos);

    /** An online client's connection ended (after {@link #logout} or by the server). */
    void closed(XmppClient client, boolean requested);
  }

  enum State {
    CONNECTING,
    FEATURES,
    STARTTLS,
    AUTH,
    SCRAM,
    BIND,
    SESSION,
    ONLINE,
    CLOSING,
    DONE
  }

  private static final int MAX_STANZA = 1 << 20;

  private final ClientSettings settings;
  private final Listener listener;
  final int index;
  final String user;

  private Channel channel;
  private XmppStreamParser parser;
  private State state = State.CONNECTING;
  private boolean tls;
  private boolean authenticated;
  private ScramClient scram;
  private long startNanos;
  private ScheduledFuture<?> loginTimer;

  XmppClient(ClientSettings settings, Listener listener, int index) {
    this.settings = settings;
    this.listener = listener;
    this.index = index;
    this.user = settings.user(index);
  }

  State state() {
    return state;
  }

  boolean isOnline() {
    return state == State.ONLINE;
  }

  Channel channel() {
    return channel;
  }

  /** Called by the fleet when the connect attempt starts. */
  void connecting(long nanos) {
    startNanos = nanos;
  }

  /** The connection attempt failed before the handler was active. */
  void connectFailed(Throwable cause) {
    fail("connect: " + cause.getClass().getSimpleName() + " " + cause.getMessage());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    loginTimer =
        channel
            .eventLoop()
            .schedule(
                this::loginTimeout, settings.loginTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (settings.directTls()) {
      startTls();
    } else {
      openStream();
    }
  }

  private void loginTimeout() {
    if (state.compareTo(State.ONLINE) < 0) {
      fail("login timed out in state " + state);
    }
  }

  private void openStream() {
    parser = new XmppStreamParser(MAX_STANZA, 64);
    state = State.FEATURES;
    write(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='"
            + settings.domain()
            + "' version='1.0'>");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (!(msg instanceof ByteBuf buf) || state == State.DONE) {
        return;
      }
      feed(ByteBufUtil.getBytes(buf));
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void feed(byte[] bytes) {
    try {
      parser.feed(bytes, 0, bytes.length);
      Event e;
      while (state != State.DONE && (e = parser.next()) != null) {
        switch (e) {
          case ElementParsed p -> {
            XmppStreamParser before = parser;
            element(p.element());
            if (parser != before && state != State.DONE) {
              // a stream restart: what the old parser had not consumed starts the new stream
              byte[] rest = before.unconsumed();
              if (rest.length > 0) {
                feed(rest);
                return;
              }
            }
          }
          case StreamClosed c -> streamClosed();
          default -> {
            // the server's stream header: nothing to check for a load test
          }
        }
      }
    } catch (XmppStreamException ex) {
      fail("bad XML from the server: " + ex.getMessage());
    }
  }

  private void element(Element e) {
    if (e.is("error", Namespaces.STREAM)) {
      Element cond = e.firstElement();
      fail("stream error " + (cond == null ? "?" : cond.name()));
      return;
    }
    switch (state) {
      case FEATURES -> features(e);
      case STARTTLS -> {
        if (e.is("proceed", Namespaces.TLS)) {
          startTls();
        } else {
          fail("STARTTLS refused");
        }
      }
      case AUTH, SCRAM -> sasl(e);
      case BIND -> iqResult(e, "bind", this::bound);
      case SESSION -> iqResult(e, "session", this::sendPresence);
      case ONLINE, CLOSING -> online(e);
      default -> {}
    }
  }

  private void features(Element e) {
    if (!e.is("features", Namespaces.STREAM)) {
      fail("expected stream features, got " + e.name());
      return;
    }
    if (!tls && settings.starttls()) {
      if (!e.hasChild("starttls", Namespaces.TLS)) {
        fail("STARTTLS not offered");
        return;
      }
      state = State.STARTTLS;
      write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
      return;
    }
    if (!authenticated) {
      authenticate(e);
      return;
    }
    state = State.BIND;
    write(
        "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
            + settings.resource()
            + "</resource></bind></iq>");
  }

  private void authenticate(Element features) {
    String mechanism = settings.mechanism();
    Element mechs = features.child("mechanisms", Namespaces.SASL);
    boolean offered = false;
    if (mechs != null) {
      for (Element m : mechs.elements()) {
        offered |= mechanism.equals(m.text().trim());
      }
    }
    if (!offered) {
      fail("SASL " + mechanism + " not offered");
      return;
    }
    String initial;
    if (mechanism.equals("PLAIN")) {
      state = State.AUTH;
      initial = "\0" + user + "\0" + settings.password();
    } else {
      state = State.SCRAM;
      scram = new ScramClient(ScramClient.hashOf(mechanism), user, settings.password());
      initial = scram.clientFirst();
    }
    write(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='"
            + mechanism
            + "'>"
            + base64(initial)
            + "</auth>");
  }

  private void sasl(Element e) {
    if (e.is("success", Namespaces.SASL)) {
      if (scram != null) {
        String data = e.text().trim();
        if (!scram.verifyServerFinal(decode(data))) {
          fail("SCRAM server signature does not verify");
          return;
        }
        scram = null;
      }
      authenticated = true;
      openStream();
    } else if (e.is("challenge", Namespaces.SASL) && scram != null) {
      String serverFirst = decode(e.text().trim());
      // PBKDF2 takes milliseconds: not on the event loop, which serves thousands of clients
      ScramClient s = scram;
      settings
          .cpuPool()
          .execute(
              () -> {
                String response;
                try {
                  response = s.clientFinal(serverFirst);
                } catch (IllegalArgumentException ex) {
                  channel.eventLoop().execute(() -> fail("SCRAM: " + ex.getMessage()));
                  return;
                }
                channel
                    .eventLoop()
                    .execute(
                        () ->
                            write(
                                "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                    + base64(response)
                                    + "</response>"));
              });
    } else if (e.is("failure", Namespaces.SASL)) {
      Element cond = e.firstElement();
      fail("SASL failure " + (cond == null ? "?" : cond.name()));
    } else {
      fail("unexpected " + e.name() + " during SASL");
    }
  }

  private void iqResult(Element e, String id, Runnable next) {
    if (!e.name().equals("iq") || !id.equals(e.attr("id"))) {
      return; // anything else before binding is ignored
    }
    if ("result".equals(e.attr("type"))) {
      next.run();
    } else {
      fail(id + " failed");
    }
  }

  private void bound() {
    if (settings.session()) {
      state = State.SESSION;
      write(
          "<iq type='set' id='session'><session"
              + " xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
    } else {
      sendPresence();
    }
  }

  private void sendPresence() {
    state = State.ONLINE;
    loginTimer.cancel(false);
    loginTimer = null;
    write("<presence/>");
    listener.online(this, System.nanoTime() - startNanos);
  }

  private void online(Element e) {
    switch (e.name()) {
      case "message" -> listener.message(this, e, System.nanoTime());
      case "iq" -> {
        String type = e.attr("type");
        if ("get".equals(type) || "set".equals(type)) {
          // server pings (XEP-0199) and anything else: answer so the server keeps us
          Element.Builder r = Element.builder("iq", Namespaces.CLIENT).attr("id", e.attr("id"));
          r.attr("to", e.attr("from"));
          if (e.hasChild("ping", "urn:xmpp:ping")) {
            r.attr("type", "result");
          } else {
            r.attr("type", "error")
                .child(
                    Element.builder("error", Namespaces.CLIENT)
                        .attr("type", "cancel")
                        .child("service-unavailable", Namespaces.STANZAS)
                        .build());
          }
          StringBuilder sb = new StringBuilder(96);
          XmlWriter.write(r.build(), Namespaces.CLIENT, sb);
          write(sb.toString());
        }
      }
      default -> {}
    }
  }

  /** Sends a stanza; safe from any thread, cheapest from the client's own event loop. */
  void send(CharSequence xml) {
    Channel c = channel;
    if (c != null) {
      c.writeAndFlush(ByteBufUtil.writeUtf8(c.alloc(), xml), c.voidPromise());
    }
  }

  /** Ends the stream politely; safe from any thread. The server's close completes it. */
  void logout() {
    Channel c = channel;
    if (c == null) {
      return;
    }
    c.eventLoop()
        .execute(
            () -> {
              if (state != State.ONLINE) {
                return;
              }
              state = State.CLOSING;
              write("<presence type='unavailable'/></stream:stream>");
              c.eventLoop().schedule(() -> c.close(), 5, TimeUnit.SECONDS);
            });
  }

  /** Closes at once; safe from any thread. */
  void close() {
    Channel c = channel;
    if (c != null) {
      c.close();
    }
  }

  private void streamClosed() {
    if (state == State.ONLINE || state == State.CLOSING) {
      boolean requested = state == State.CLOSING;
      state = State.DONE;
      channel.close();
      listener.closed(this, requested);
    } else {
      fail("server closed the stream in state " + state);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state == State.ONLINE || state == State.CLOSING) {
      boolean requested = state == State.CLOSING;
      state = State.DONE;
      listener.closed(this, requested);
    } else if (state != State.DONE) {
      fail("connection closed in state " + state);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.ONLINE || state == State.CLOSING) {
      ctx.close();
    } else {
      fail(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  private void startTls() {
    SslHandler ssl =
        // the certificate names the XMPP domain, not the address connected to (RFC 7590)
        settings.sslContext().newHandler(channel.alloc(), settings.domain(), settings.port(index));
    channel.pipeline().addFirst("tls", ssl);
    ssl.handshakeFuture()
        .addListener(
            f -> {
              if (f.isSuccess()) {
                tls = true;
                openStream();
              } else {
                Throwable root = f.cause();
                while (root.getCause() != null && root.getCause() != root) {
                  root = root.getCause();
                }
                fail("TLS handshake: " + root.getMessage());
              }
            });
  }

  private void fail(String reason) {
    if (state == State.DONE) {
      return;
    }
    boolean wasOnline = state == State.ONLINE || state == State.CLOSING;
    state = State.DONE;
    if (channel != null) {
      channel.close();
    }
    if (wasOnline) {
      listener.closed(this, false);
    } else {
      listener.failed(this, reason);
    }
  }

  private void write(String xml) {
    channel.writeAndFlush(
        channel.alloc().buffer(xml.length()).writeBytes(bytes(xml)), channel.voidPromise());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String base64(String s) {
    return s.isEmpty() ? "=" : Base64.getEncoder().encodeToString(bytes(s));
  }

  private static String decode(String b64) {
    if (b64.isEmpty() || b64.equals("=")) {
      return "";
    }
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }
}
