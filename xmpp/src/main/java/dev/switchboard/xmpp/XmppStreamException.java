package dev.switchboard.xmpp;

/** A fault that ends the stream with the given RFC 6120 stream error. */
public final class XmppStreamException extends Exception {
  private static final long serialVersionUID = 1L;

  private final StreamErrorCondition condition;

  public XmppStreamException(StreamErrorCondition condition, String message) {
    super(message);
    this.condition = condition;
  }

  public StreamErrorCondition condition() {
    return condition;
  }
}
