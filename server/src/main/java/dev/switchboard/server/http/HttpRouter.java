package dev.switchboard.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each aggregated request into a reply from {@link HttpRoutes}. Stateless, so one instance
 * serves every connection of a listener. Oversized bodies never get here: the aggregator answers
 * 413 itself.
 */
@Sharable
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

  private final HttpRoutes routes;

  HttpRouter(HttpRoutes routes) {
    this.routes = routes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    DecoderResult decoded = request.decoderResult();
    if (!decoded.isSuccess()) {
      // the decoder cannot find the next request after this one: answer and close
      send(ctx, request, malformed(decoded.cause()), false);
      return;
    }
    HttpReply reply;
    try {
      reply = routes.dispatch(request);
    } catch (RuntimeException e) {
      log.warn("HTTP {} {} failed", request.method(), request.uri(), e);
      reply = HttpReply.text(500, "internal server error\n");
    }
    send(ctx, request, reply, HttpUtil.isKeepAlive(request));
  }

  private static HttpReply malformed(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return HttpReply.text(414, "request line too long\n");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpReply.text(431, "request headers too large\n");
    }
    return HttpReply.text(400, "bad request\n");
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpRequest request, HttpReply reply, boolean keepAlive) {
    boolean head = request.method().equals(HttpMethod.HEAD);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            request.protocolVersion(),
            HttpResponseStatus.valueOf(reply.status()),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
    for (Map.Entry<String, String> h : reply.headers().entrySet()) {
      response.headers().set(h.getKey(), h.getValue());
    }
    if (reply.contentType() != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
    }
    // HEAD reports the length the GET body would have (RFC 9110 section 9.3.2)
    HttpUtil.setContentLength(response, reply.body().length);
    HttpUtil.setKeepAlive(response, keepAlive);
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      ctx.close(); // an idle keep-alive connection only holds a file descriptor
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("HTTP connection {} failed", ctx.channel().remoteAddress(), cause);
    } else {
      log.warn("HTTP connection {} failed", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
