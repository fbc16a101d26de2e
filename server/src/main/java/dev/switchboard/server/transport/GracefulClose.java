package dev.switchboard.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Ends a connection after its last words (a stream error, {@code </stream:stream>}) without losing
 * them. Closing a socket that still has unread client bytes makes the kernel send a reset, and a
 * reset can make the client drop what we wrote before it read it. So: flush, end our direction (TLS
 * close_notify, then FIN), discard whatever the client still sends, and close when the client
 * closes or after {@link #LINGER_MILLIS}.
 */
public final class GracefulClose {
  static final long LINGER_MILLIS = 2000;

  private GracefulClose() {}

  /** Closes the channel gracefully once {@code lastWrite} has completed. */
  public static void after(ChannelFuture lastWrite) {
    lastWrite.addListener(f -> begin(lastWrite.channel()));
  }

  private static void begin(Channel channel) {
    if (!channel.isActive()) {
      channel.close();
      return;
    }
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls != null) {
      // after TLS, whatever name it has (SNI replaces its own handler with one of another name)
      String name = channel.pipeline().context(tls).name();
      channel.pipeline().addAfter(name, "discard", new Discard());
    } else {
      channel.pipeline().addFirst("discard", new Discard());
    }
    channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    channel.config().setAutoRead(true);
    channel.read();
    if (tls != null) {
      tls.closeOutbound().addListener(f -> shutdownOutput(channel));
    } else {
      shutdownOutput(channel);
    }
  }

  private static void shutdownOutput(Channel channel) {
    if (channel instanceof DuplexChannel duplex && channel.isActive()) {
      duplex.shutdownOutput();
    } else {
      channel.close();
    }
  }

  /** Swallows the client's remaining bytes until the client or the linger timer closes. */
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf) {
        ReferenceCountUtil.release(msg);
      } else {
        ctx.fireChannelRead(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      // idle events no longer matter; the client's FIN closes the channel (no half-closure)
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
