package dev.switchboard.server.iq;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IQ handlers for stanzas addressed to the server itself, keyed by payload namespace. The server's
 * disco#info features are read from here, so they cannot disagree with what is implemented.
 */
public final class ServerIqs {
  private static final Logger LOG = LoggerFactory.getLogger(ServerIqs.class);

  private final Map<String, IqHandler> handlers = new ConcurrentHashMap<>();

  public Runnable register(String namespace, IqHandler handler) {
    if (handlers.putIfAbsent(namespace, handler) != null) {
      throw new IllegalStateException("two handlers for server IQ namespace " + namespace);
    }
    return () -> handlers.remove(namespace, handler);
  }

  public Set<String> namespaces() {
    return Collections.unmodifiableSet(new TreeSet<>(handlers.keySet()));
  }

  /**
   * Answers an IQ: its handler's reply, {@code service-unavailable} for an unknown namespace,
   * {@code internal-server-error} when the handler fails (the requester's session lives on).
   */
  public CompletionStage<Element> dispatch(Iq iq) {
    IqHandler h = handlers.get(iq.payload().namespace());
    if (h == null) {
      return CompletableFuture.completedFuture(iq.error(StanzaErrorCondition.SERVICE_UNAVAILABLE));
    }
    CompletionStage<Element> reply;
    try {
      reply = h.handle(iq);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.exceptionally(
        e -> {
          LOG.error("IQ handler for {} failed", iq.payload().namespace(), e);
          return iq.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR);
        });
  }
}
