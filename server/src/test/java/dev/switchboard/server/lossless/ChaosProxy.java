package dev.switchboard.server.lossless;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A TCP proxy on loopback in front of an upstream port, standing in for a flaky mobile network: it
 * can cut its connections without warning (both sockets closed, with an RST when asked), swallow
 * everything in flight for a while before cutting (a network that dies silently: each side believes
 * the bytes it wrote went out), and refuse connections while it is "down".
 *
 * <p>One proxy per simulated device, so that cutting a proxy cuts that device only. Each connection
 * is pumped by two virtual threads; when either direction ends, both sockets close. The upstream
 * port is asked for on every new connection, so that in front of a cluster a device reconnects to
 * another node when its own is gone, as it would through DNS SRV or a load balancer.
 */
public final class ChaosProxy implements AutoCloseable {
  private final String name;
  private final IntSupplier upstreamPort;
  private final ServerSocket listener;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong cut = new AtomicLong();
  private volatile boolean down;
  private volatile boolean closed;

  public ChaosProxy(String name, int upstreamPort) throws IOException {
    this(name, () -> upstreamPort);
  }

  /** A proxy whose upstream port is chosen for each new connection. */
  public ChaosProxy(String name, IntSupplier upstreamPort) throws IOException {
    this.name = name;
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name("chaos-" + name).start(this::acceptLoop);
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  public String name() {
    return name;
  }

  /** While down, new connections are reset as soon as they are accepted. */
  public void setDown(boolean down) {
    this.down = down;
  }

  public boolean isDown() {
    return down;
  }

  /** Connections open now. */
  public int open() {
    return links.size();
  }

  public long accepted() {
    return accepted.get();
  }

  public long refused() {
    return refused.get();
  }

  public long cuts() {
    return cut.get();
  }

  /**
   * Cuts every open connection: both sockets closed at once, with an RST ({@code SO_LINGER} 0) when
   * {@code reset}, else with a FIN. Bytes not yet pumped through are lost.
   *
   * @return how many connections were cut
   */
  public int cutAll(boolean reset) {
    int n = 0;
    for (Link l : List.copyOf(links)) {
      if (l.close(reset)) {
        n++;
      }
    }
    cut.addAndGet(n);
    return n;
  }

  /**
   * From now on, swallows every byte in both directions of the open connections without closing
   * them; a later {@link #cutAll} ends them.
   */
  public void blackholeAll() {
    for (Link l : links) {
      l.blackhole = true;
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (down) {
        refused.incrementAndGet();
        reset(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        upstream.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort.getAsInt()), 2000);
      } catch (IOException e) {
        // the server is down (killed, restarting): the client sees its connection drop
        refused.incrementAndGet();
        reset(client);
        closeQuietly(upstream);
        continue;
      }
      accepted.incrementAndGet();
      Link l = new Link(client, upstream);
      links.add(l);
      l.start();
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // closing is what matters
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** One proxied connection. */
  private final class Link {
    final Socket client;
    final Socket upstream;
    volatile boolean blackhole;
    private boolean closed;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      Thread.ofVirtual().name("chaos-" + name + "-up").start(() -> pump(client, upstream));
      Thread.ofVirtual().name("chaos-" + name + "-down").start(() -> pump(upstream, client));
    }

    private void pump(Socket from, Socket to) {
      byte[] buf = new byte[16384];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (!blackhole) {
            out.write(buf, 0, n);
            out.flush();
          }
        }
      } catch (IOException e) {
        // one side went away (or we cut it)
      }
      close(false);
    }

    /** Closes both sockets once; true if this call closed them. */
    boolean close(boolean reset) {
      synchronized (this) {
        if (closed) {
          return false;
        }
        closed = true;
      }
      links.remove(this);
      if (reset) {
        reset(client);
        reset(upstream);
      } else {
        closeQuietly(client);
        closeQuietly(upstream);
      }
      return true;
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    cutAll(true);
    acceptor.interrupt();
  }
}
