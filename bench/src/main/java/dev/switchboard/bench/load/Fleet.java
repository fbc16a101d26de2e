package dev.switchboard.bench.load;

import dev.switchboard.xmpp.Element;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many {@link XmppClient}s on a few Netty event loops (native epoll where available): starts their
 * logins at a given rate with a bound on logins in progress, counts outcomes, records login latency
 * and hands received messages to the running scenario.
 */
final class Fleet implements XmppClient.Listener, AutoCloseable {
  /** Receives the messages online clients get. */
  interface MessageHandler {
    void message(XmppClient to, Element message, long arrivedNanos);
  }

  private static final int MAX_REASONS = 40;

  private final ClientSettings settings;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final List<InetSocketAddress> remotes;
  private final List<InetSocketAddress> sources;
  final XmppClient[] clients;

  private final Semaphore loginSlots = new Semaphore(0);
  private final AtomicInteger onlineNow = new AtomicInteger();
  private final LongAdder loggedIn = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder closedByServer = new LongAdder();
  private final LongAdder loggedOut = new LongAdder();
  private final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
  private Recorder loginLatency = new Recorder(3);
  private volatile MessageHandler messages = (c, m, t) -> {};

  Fleet(ClientSettings settings, int size, int threads, List<String> sourceAddresses) {
    this.settings = settings;
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, io);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
    this.remotes =
        settings.ports().stream().map(p -> new InetSocketAddress(settings.host(), p)).toList();
    this.sources = sourceAddresses.stream().map(a -> new InetSocketAddress(a, 0)).toList();
    this.clients = new XmppClient[size];
  }

  void onMessage(MessageHandler handler) {
    this.messages = handler;
  }

  /** Outcome of one login phase. */
  record LoginPhase(
      int started, long online, long failed, double seconds, Histogram latencyMicros) {
    double rate() {
      return seconds > 0 ? online / seconds : 0;
    }
  }

  /**
   * Logs in clients {@code 0..count-1}: starts them at {@code rate} per second (0: as fast as the
   * slots allow) with at most {@code concurrency} logins in progress, and returns when each has
   * succeeded or failed, or when {@code timeout} has passed.
   */
  LoginPhase login(int count, double rate, int concurrency, Duration timeout) {
    loginLatency = new Recorder(3);
    long online0 = loggedIn.sum();
    long failed0 = failed.sum();
    loginSlots.release(concurrency);
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    int next = 0;
    while (next < count && System.nanoTime() < deadline) {
      long due =
          rate > 0 ? Math.min(count, (long) ((System.nanoTime() - t0) / 1e9 * rate) + 1) : count;
      boolean blocked = false;
      while (next < due) {
        if (!loginSlots.tryAcquire()) {
          blocked = true;
          break;
        }
        start(next++);
      }
      if (blocked) {
        try {
          if (loginSlots.tryAcquire(10, TimeUnit.MILLISECONDS)) {
            start(next++);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      } else if (next < count) {
        LockSupport.parkNanos(500_000);
      }
    }
    int started = next;
    while (loggedIn.sum() - online0 + failed.sum() - failed0 < started
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    // stop handing out slots: the phase is over
    loginSlots.drainPermits();
    return new LoginPhase(
        started,
        loggedIn.sum() - online0,
        failed.sum() - failed0,
        secs,
        loginLatency.getIntervalHistogram());
  }

  private void start(int i) {
    XmppClient c = new XmppClient(settings, this, i);
    clients[i] = c;
    c.connecting(System.nanoTime());
    Bootstrap b = bootstrap.clone().handler(c);
    InetSocketAddress remote = remotes.get(i % remotes.size());
    ChannelFuture f =
        sources.isEmpty() ? b.connect(remote) : b.connect(remote, sources.get(i % sources.size()));
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            c.connectFailed(done.cause());
          }
        });
  }

  /** Sends polite logouts to every online client and waits for the server to close them. */
  double logoutAll(Duration timeout) {
    long target = loggedOut.sum() + onlineNow.get();
    long t0 = System.nanoTime();
    for (XmppClient c : clients) {
      if (c != null && c.isOnline()) {
        c.logout();
      }
    }
    long deadline = t0 + timeout.toNanos();
    while (loggedOut.sum() < target && onlineNow.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  int onlineNow() {
    return onlineNow.get();
  }

  long closedByServer() {
    return closedByServer.sum();
  }

  long loggedOut() {
    return loggedOut.sum();
  }

  /** Why logins failed (numbers in the text replaced by N) and how often, sorted by text. */
  Map<String, Long> failureReasons() {
    Map<String, Long> out = new TreeMap<>();
    reasons.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public void online(XmppClient client, long loginNanos) {
    onlineNow.incrementAndGet();
    loggedIn.increment();
    loginLatency.recordValue(Math.max(1, loginNanos / 1000));
    loginSlots.release();
  }

  @Override
  public void failed(XmppClient client, String reason) {
    failed.increment();
    String key = reason.replaceAll("[0-9]+", "N");
    LongAdder a = reasons.get(key);
    if (a == null && reasons.size() < MAX_REASONS) {
      a = reasons.computeIfAbsent(key, k -> new LongAdder());
    }
    if (a != null) {
      a.increment();
    }
    loginSlots.release();
  }

  @Override
  public void message(XmppClient client, Element message, long arrivedNanos) {
    messages.message(client, message, arrivedNanos);
  }

  @Override
  public void closed(XmppClient client, boolean requested) {
    onlineNow.decrementAndGet();
    if (requested) {
      loggedOut.increment();
    } else {
      closedByServer.increment();
    }
  }

  @Override
  public void close() {
    for (XmppClient c : clients) {
      if (c != null) {
        c.close();
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
