package dev.switchboard.server.transport;

import dev.switchboard.server.stream.ClientConnection;
import dev.switchboard.server.tls.TlsContexts;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StreamErrorCondition;
import dev.switchboard.xmpp.XmlWriter;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/**
 * A client connection over TCP (RFC 6120): {@code <stream:stream>} framing, STARTTLS, or TLS from
 * the first byte (XEP-0368). Reading is {@link XmppStreamHandler}'s; this writes.
 */
public final class TcpConnection implements ClientConnection {
  // one serialisation buffer per thread instead of a new one (grown twice) per stanza
  private static final ThreadLocal<StringBuilder> SCRATCH =
      ThreadLocal.withInitial(() -> new StringBuilder(1024));
  private static final int MAX_SCRATCH_CHARS = 64 * 1024;

  private final Channel channel;
  private final XmppStreamHandler reader;
  private final TlsContexts startTls;
  private final boolean directTls;

  /**
   * @param startTls the context for STARTTLS, or null where it is not offered (direct TLS)
   */
  public TcpConnection(
      Channel channel, XmppStreamHandler reader, TlsContexts startTls, boolean directTls) {
    this.channel = channel;
    this.reader = reader;
    this.startTls = startTls;
    this.directTls = directTls;
  }

  @Override
  public void attach(Listener listener) {
    reader.attach(listener);
  }

  @Override
  public void openStream(String from, String id) {
    StringBuilder sb = scratch();
    sb.append("<?xml version='1.0'?><stream:stream xmlns='")
        .append(Namespaces.CLIENT)
        .append("' xmlns:stream='")
        .append(Namespaces.STREAM)
        .append("' id='");
    XmlWriter.escapeAttr(id, sb);
    sb.append("' from='");
    XmlWriter.escapeAttr(from, sb);
    sb.append("' version='1.0' xml:lang='en'>");
    flush(sb);
  }

  @Override
  public void sendFeatures(List<Element> features) {
    StringBuilder sb = scratch();
    sb.append("<stream:features>");
    for (Element f : features) {
      XmlWriter.write(f, Namespaces.CLIENT, sb);
    }
    sb.append("</stream:features>");
    flush(sb);
  }

  @Override
  public void send(Element element) {
    StringBuilder sb = scratch();
    XmlWriter.write(element, Namespaces.CLIENT, sb);
    flush(sb);
  }

  @Override
  public void streamError(StreamErrorCondition condition, String text) {
    String xml = condition.toXml(text) + "</stream:stream>";
    GracefulClose.after(channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), xml)));
  }

  @Override
  public void close() {
    GracefulClose.after(
        channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), "</stream:stream>")));
  }

  @Override
  public void abort() {
    channel.close();
  }

  @Override
  public boolean canStartTls() {
    return startTls != null && !secured();
  }

  @Override
  public void startTls() {
    if (startTls == null) {
      throw new IllegalStateException("STARTTLS is not available on this connection");
    }
    reader.startTls(startTls);
  }

  @Override
  public void readMore(boolean restart, boolean established) {
    reader.readMore(restart, established);
  }

  @Override
  public void consumed() {
    reader.consumed();
  }

  @Override
  public void holdReading(boolean hold) {
    reader.hold(hold);
  }

  @Override
  public long pendingOutputBytes() {
    return channel.isWritable() ? 0 : channel.bytesBeforeWritable();
  }

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public boolean secured() {
    return directTls || channel.pipeline().get(SslHandler.class) != null;
  }

  @Override
  public String transport() {
    return directTls ? "tls" : "tcp";
  }

  /** Runs {@code action} once the connection has closed. */
  public void whenClosed(Runnable action) {
    channel.closeFuture().addListener(f -> action.run());
  }

  private static StringBuilder scratch() {
    StringBuilder sb = SCRATCH.get();
    sb.setLength(0);
    return sb;
  }

  private void flush(StringBuilder sb) {
    channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), sb));
    if (sb.capacity() > MAX_SCRATCH_CHARS) {
      SCRATCH.remove(); // one huge stanza does not pin its buffer to the thread
    }
  }
}
