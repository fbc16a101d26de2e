package dev.switchboard.server.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Event loops and server channel class, as the server would pass them to a listener. */
enum Transport {
  NIO(NioIoHandler::newFactory, NioServerSocketChannel.class),
  EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class);

  private final Supplier<IoHandlerFactory> factory;
  final Class<? extends ServerChannel> channelClass;

  Transport(Supplier<IoHandlerFactory> factory, Class<? extends ServerChannel> channelClass) {
    this.factory = factory;
    this.channelClass = channelClass;
  }

  /** What the server uses in production, where it can. */
  static Transport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  boolean available() {
    return this == NIO || Epoll.isAvailable();
  }

  EventLoopGroup group(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, factory.get());
  }

  static void shutdown(EventLoopGroup group) {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
