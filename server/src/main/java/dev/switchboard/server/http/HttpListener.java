package dev.switchboard.server.http;

import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.config.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 listener for metrics, health and, later, the admin pages, WebSocket and BOSH. It
 * runs on the event loops it is given (the server's own), so it adds no threads; {@link #close()}
 * closes its channels but leaves the loops running.
 */
public final class HttpListener implements AutoCloseable {
  /** Largest request body; these endpoints take small requests or none. */
  static final int MAX_CONTENT_LENGTH = 64 * 1024;

  private static final int IDLE_SECONDS = 60;

  private final ServerConfig.Http config;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Class<? extends ServerChannel> channelClass;
  private final HttpRouter router;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile Channel server;

  /**
   * @throws IllegalArgumentException if {@code config} turns the listener off (port 0): don't make
   *     one then
   */
  public HttpListener(
      ServerConfig.Http config,
      EventLoopGroup boss,
      EventLoopGroup workers,
      Class<? extends ServerChannel> channelClass,
      HttpRoutes routes) {
    if (config.port() == 0) {
      throw new IllegalArgumentException("the HTTP listener is off (switchboard.http.port = 0)");
    }
    this.config = config;
    this.boss = boss;
    this.workers = workers;
    this.channelClass = channelClass;
    this.router = new HttpRouter(routes);
  }

  /**
   * Binds the configured address and port.
   *
   * @throws ConfigError if the address cannot be resolved or bound, for example a port in use
   */
  public void start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    String host = config.bindAddress();
    String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + config.port();
    InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
    if (address.isUnresolved()) {
      throw new ConfigError(
          "switchboard.http.bind-address: cannot resolve '" + config.bindAddress() + "'");
    }
    ChannelFuture bound =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(channelClass)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new Initializer())
            .bind(address)
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw bindError(where, bound.cause());
    }
    server = bound.channel();
    channels.add(server);
  }

  private static ConfigError bindError(String where, Throwable cause) {
    // NIO throws a BindException, native epoll an IOException; both carry strerror(EADDRINUSE)
    String message = String.valueOf(cause.getMessage());
    if (message.contains("Address already in use")) {
      return new ConfigError("switchboard.http.port: " + where + " is already in use");
    }
    return new ConfigError(
        "switchboard.http.bind-address: cannot listen on " + where + ": " + message);
  }

  /** The bound address, with the actual port. */
  public InetSocketAddress address() {
    Channel s = server;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return (InetSocketAddress) s.localAddress();
  }

  /** Stops accepting and closes open connections; the event loops stay up. */
  @Override
  public void close() {
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private final class Initializer extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel ch) {
      channels.add(ch);
      ch.pipeline()
          .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS))
          .addLast("codec", new HttpServerCodec())
          .addLast("aggregator", new HttpObjectAggregator(MAX_CONTENT_LENGTH))
          .addLast("router", router);
    }
  }
}
