package dev.switchboard.server.module;

import dev.switchboard.xmpp.Element;
import java.util.concurrent.CompletionStage;

/** Answers an IQ sent before authentication (only in-band registration needs one). */
@FunctionalInterface
public interface PreAuthIqHandler {
  /**
   * @param iq the IQ as the client sent it (no from)
   * @param secured whether the stream is encrypted
   * @return the full reply
   */
  CompletionStage<Element> handle(Element iq, boolean secured);
}
