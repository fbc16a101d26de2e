package dev.switchboard.server.transport;

import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.server.stream.StreamInput;
import dev.switchboard.server.tls.TlsContexts;
import dev.switchboard.xmpp.XmppStreamException;
import dev.switchboard.xmpp.XmppStreamParser;
import dev.switchboard.xmpp.XmppStreamParser.ElementParsed;
import dev.switchboard.xmpp.XmppStreamParser.Event;
import dev.switchboard.xmpp.XmppStreamParser.StreamClosed;
import dev.switchboard.xmpp.XmppStreamParser.StreamOpened;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns a connection's bytes into {@link StreamInput}s for its session and carries out the
 * session's requests that must happen on the connection's event loop (resume, restart, STARTTLS).
 *
 * <p>Two reading modes. Until a resource is bound it reads in lock-step: after each top-level
 * element it stops until the session calls {@link #readMore}, so that a stream restart (after
 * STARTTLS or SASL) always starts the new parser exactly at the new stream's first byte. Once
 * established it reads freely, and back-pressure keeps memory bounded: when {@link #MAX_IN_FLIGHT}
 * inputs wait in the session's mailbox, or the session holds reading (its client has too many
 * messages unconfirmed), no more elements are parsed and handed on and reading stops; what was read
 * meanwhile waits as bytes.
 *
 * <p>An established connection that has sent nothing for {@code restAfter} lets its parser rest
 * ({@link XmppStreamParser#rest}): most connections of a messaging server are idle most of the
 * time, and their parsers' buffers would otherwise be a quarter of their memory.
 */
public final class XmppStreamHandler extends ChannelInboundHandlerAdapter {
  static final int MAX_IN_FLIGHT = 64;

  private final int maxStanzaBytes;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
  private XmppStreamParser parser;
  private Channel channel;
  private ClientConnection.Listener sink;
  private boolean lockstep = true;
  private boolean paused;
  private boolean failed;
  private final long restAfterNanos;
  private long lastRead;
  private boolean held;
  private boolean restCheckScheduled;

  /**
   * @param restAfter quiet time after which an established connection's parser rests; zero never
   */
  public XmppStreamHandler(int maxStanzaBytes, Duration restAfter) {
    this.maxStanzaBytes = maxStanzaBytes;
    this.restAfterNanos = restAfter.toNanos();
    this.parser = newParser();
  }

  private XmppStreamParser newParser() {
    return new XmppStreamParser(maxStanzaBytes, 64);
  }

  /**
   * Sends what is read to {@code listener} from now on, instead of to any listener before it, and
   * starts reading (from any thread).
   */
  void attach(ClientConnection.Listener listener) {
    channel
        .eventLoop()
        .execute(
            () -> {
              this.sink = listener;
              if (!channel.isActive()) {
                listener.closed();
                return;
              }
              if (!held) {
                channel.config().setAutoRead(true);
                channel.read();
              }
            });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (failed || !buf.isReadable()) {
        return;
      }
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      lastRead = System.nanoTime();
      if (paused || sink == null) {
        queue(bytes, true);
      } else if (!mayEmit()) {
        // held, or the mailbox is full: kept as bytes (one read at most, reading is off) rather
        // than parsed into elements that would wait in the session's mailbox
        queue(bytes, false);
      } else {
        feed(bytes);
      }
      scheduleRestCheck(restAfterNanos);
    } finally {
      ReferenceCountUtil.release(buf);
    }
  }

  /** Whether parsed elements may go to the session now. */
  private boolean mayEmit() {
    return !held && inFlight.get() < MAX_IN_FLIGHT;
  }

  /** Keeps bytes for later; {@code limited}: more than a stanza's worth is a policy violation. */
  private void queue(byte[] bytes, boolean limited) {
    queued.add(bytes);
    long total = 0;
    for (byte[] q : queued) {
      total += q.length;
    }
    channel.config().setAutoRead(false);
    if (limited && total > maxStanzaBytes) {
      fault(
          new XmppStreamException(
              dev.switchboard.xmpp.StreamErrorCondition.POLICY_VIOLATION,
              "too much data sent ahead of the server's answer"));
    }
  }

  private void feed(byte[] bytes) {
    try {
      if (!parser.needsInput() || !queued.isEmpty()) {
        // the parser or the queue still holds bytes from before a pause: those go first
        queued.add(bytes);
        drain();
        return;
      }
      parser.feed(bytes, 0, bytes.length);
      drain();
    } catch (XmppStreamException e) {
      fault(e);
    }
  }

  /** Pulls events until the parser needs input, pausing after an element in lock-step mode. */
  private void drain() throws XmppStreamException {
    while (!failed) {
      if (!lockstep && !mayEmit()) {
        channel.config().setAutoRead(false); // resumed by consumed() or hold(false)
        return;
      }
      Event ev = parser.next();
      if (ev == null) {
        byte[] next = queued.poll();
        if (next == null) {
          return;
        }
        parser.feed(next, 0, next.length);
        continue;
      }
      emit(ev);
      if (ev instanceof ElementParsed && lockstep) {
        paused = true;
        channel.config().setAutoRead(false);
        return;
      }
      if (ev instanceof StreamClosed) {
        return;
      }
    }
  }

  private void emit(Event ev) {
    StreamInput in =
        switch (ev) {
          case StreamOpened o -> new StreamInput.Opened(o.attributes(), o.contentNamespace());
          case ElementParsed p -> new StreamInput.Received(p.element());
          case StreamClosed c -> new StreamInput.ClosedByClient();
        };
    if (inFlight.incrementAndGet() >= MAX_IN_FLIGHT && !lockstep) {
      channel.config().setAutoRead(false);
    }
    sink.input(in);
  }

  /** The session has taken one input off its mailbox; called from the session's thread. */
  void consumed() {
    if (inFlight.decrementAndGet() == MAX_IN_FLIGHT / 2) {
      channel.eventLoop().execute(this::resume);
    }
  }

  /** Emits what was held back, then reads again, unless something still stops it. */
  private void resume() {
    if (lockstep || paused || failed || !mayEmit()) {
      return;
    }
    try {
      drain();
    } catch (XmppStreamException e) {
      fault(e);
      return;
    }
    if (!paused && !failed && mayEmit()) {
      channel.config().setAutoRead(true);
      channel.read();
    }
  }

  /** See {@link ClientConnection#holdReading}; from any thread. */
  void hold(boolean hold) {
    channel
        .eventLoop()
        .execute(
            () -> {
              held = hold;
              if (hold) {
                channel.config().setAutoRead(false);
              } else {
                resume();
              }
            });
  }

  private void fault(XmppStreamException e) {
    failed = true;
    queued.clear();
    channel.config().setAutoRead(false);
    if (sink == null) {
      channel.close();
    } else {
      sink.input(new StreamInput.Malformed(e.condition(), e.getMessage()));
    }
  }

  /**
   * Lets the next element in. With {@code restart} the stream restarts: a new parser takes over
   * with whatever bytes the old one had not consumed. With {@code established} lock-step ends.
   */
  void readMore(boolean restart, boolean established) {
    channel
        .eventLoop()
        .execute(
            () -> {
              if (failed) {
                return;
              }
              if (restart) {
                byte[] rest = parser.unconsumed();
                parser = newParser();
                if (rest.length > 0) {
                  queued.addFirst(rest);
                }
              }
              if (established) {
                lockstep = false;
              }
              paused = false;
              try {
                drain();
              } catch (XmppStreamException e) {
                fault(e);
                return;
              }
              if (!paused && !held) {
                channel.config().setAutoRead(true);
                channel.read();
              }
              scheduleRestCheck(restAfterNanos);
            });
  }

  /** At most one pending check per connection, and none while the parser rests. */
  private void scheduleRestCheck(long delayNanos) {
    if (restAfterNanos == 0 || restCheckScheduled || lockstep || failed || parser.resting()) {
      return;
    }
    restCheckScheduled = true;
    channel.eventLoop().schedule(this::restIfQuiet, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void restIfQuiet() {
    restCheckScheduled = false;
    if (failed || lockstep || !channel.isActive()) {
      return;
    }
    long quiet = System.nanoTime() - lastRead;
    if (quiet < restAfterNanos) {
      scheduleRestCheck(restAfterNanos - quiet);
    } else if (!paused && queued.isEmpty()) {
      parser.rest(); // declines in the middle of a stanza; the next read schedules another check
    }
  }

  /**
   * Puts TLS under everything that follows (RFC 6120 5.4.3.3). The session wrote {@code proceed}
   * before calling this from the same thread, and the event loop runs tasks in order, so proceed
   * goes out in the clear and nothing after it does.
   */
  void startTls(TlsContexts ssl) {
    channel
        .eventLoop()
        .execute(() -> channel.pipeline().addFirst("tls", ssl.newHandler(channel.alloc())));
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && sink != null) {
      sink.idle();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (sink != null) {
      sink.closed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // I/O errors (reset by peer, TLS alerts) end the connection; the session hears channelInactive
    ctx.close();
  }
}
