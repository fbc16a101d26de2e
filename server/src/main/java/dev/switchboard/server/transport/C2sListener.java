package dev.switchboard.server.transport;

import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.tls.TlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client-to-server listeners: STARTTLS on {@code c2s.port} and direct TLS (XEP-0368) on {@code
 * c2s.tls-port}. One pipeline per connection: [tls] - idle - xmpp; the connection reads nothing
 * until its session is attached.
 */
public final class C2sListener implements AutoCloseable {
  private final ServerConfig.C2s config;
  private final TlsContexts ssl;
  private final EventLoops loops;
  private final Consumer<TcpConnection> onAccept;
  private final List<Channel> bound = new ArrayList<>();

  /**
   * @param onAccept called with each new connection, which reads nothing until a session attaches
   */
  public C2sListener(
      ServerConfig.C2s config,
      TlsContexts ssl,
      EventLoops loops,
      Consumer<TcpConnection> onAccept) {
    this.config = config;
    this.ssl = ssl;
    this.loops = loops;
    this.onAccept = onAccept;
  }

  /** Binds the listeners; a port in use becomes a {@link ConfigError} naming it. */
  public void start() {
    bind(config.port(), false, "switchboard.c2s.port");
    if (config.tlsPort() > 0) {
      bind(config.tlsPort(), true, "switchboard.c2s.tls-port");
    }
  }

  public List<InetSocketAddress> addresses() {
    return bound.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  private void bind(int port, boolean directTls, String key) {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loops.boss(), loops.workers())
            .channel(loops.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, config.backlog())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(64 * 1024, 256 * 1024))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    if (directTls) {
                      p.addLast("tls", ssl.newHandler(ch.alloc()));
                    }
                    p.addLast(
                        "idle",
                        new IdleStateHandler(
                            config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
                    XmppStreamHandler reader =
                        new XmppStreamHandler(config.maxStanzaSize(), config.parserRestAfter());
                    p.addLast("xmpp", reader);
                    onAccept.accept(
                        new TcpConnection(ch, reader, directTls ? null : ssl, directTls));
                  }
                });
    try {
      bound.add(b.bind(config.bindAddress(), port).sync().channel());
    } catch (Exception e) {
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new ConfigError(
            "cannot listen on "
                + config.bindAddress()
                + ":"
                + port
                + " ("
                + key
                + "): "
                + e.getMessage());
      }
      throw new ConfigError("cannot listen on port " + port + " (" + key + "): " + e);
    }
  }

  @Override
  public void close() {
    for (Channel c : bound) {
      c.close().syncUninterruptibly();
    }
    bound.clear();
  }
}
