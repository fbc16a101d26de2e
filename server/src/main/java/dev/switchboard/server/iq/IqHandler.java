package dev.switchboard.server.iq;

import dev.switchboard.xmpp.Element;
import java.util.concurrent.CompletionStage;

/** Answers IQs addressed to the server for one payload namespace. */
@FunctionalInterface
public interface IqHandler {
  /**
   * The complete reply (result or error), or null when the handler has seen to the reply itself. A
   * failed stage becomes internal-server-error.
   */
  CompletionStage<Element> handle(Iq iq);
}
