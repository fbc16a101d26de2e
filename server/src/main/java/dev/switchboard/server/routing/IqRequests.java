package dev.switchboard.server.routing;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * IQ requests the server itself sends (a module asking a client's disco#info, say), and their
 * replies. Each request gets an id naming this node; a reply that arrives on another node of the
 * cluster (addressed to a hosted domain or component, which every node serves) is forwarded here
 * through the {@link ClusterDirectory}. A request not answered in time fails with a {@link
 * java.util.concurrent.TimeoutException}.
 */
public final class IqRequests {
  private static final String PREFIX = "sbiq-";

  private final String node = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final String idPrefix = PREFIX + node + "-";
  private final AtomicLong next = new AtomicLong();

  /** A request waiting, and whom it was sent to: only that address may answer it. */
  private record Pending(String to, CompletableFuture<Element> reply) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Consumer<Element> send;
  private final ClusterDirectory directory;

  IqRequests(Consumer<Element> send, ClusterDirectory directory) {
    this.send = send;
    this.directory = directory;
    directory.publish(inbox(node), this::answered);
  }

  /**
   * Sends {@code iq} (a get or set with {@code from} and {@code to}; its id is replaced) and
   * completes with the reply, a result or an error stanza.
   */
  public CompletionStage<Element> send(Element iq, Duration timeout) {
    String id = idPrefix + next.incrementAndGet();
    CompletableFuture<Element> reply = new CompletableFuture<>();
    Jid to = iq.toJid();
    pending.put(id, new Pending(to == null ? null : to.toString(), reply));
    reply
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((r, e) -> pending.remove(id));
    send.accept(iq.withAttr("id", id));
    return reply;
  }

  /** Requests waiting for their reply (for metrics and tests). */
  public int waiting() {
    return pending.size();
  }

  /**
   * Takes a result or error stanza if it answers a request of this server (on any node); false when
   * it is someone else's.
   */
  boolean reply(Element stanza) {
    String id = stanza.attr("id");
    if (id == null || !id.startsWith(PREFIX)) {
      return false;
    }
    String type = stanza.attr("type");
    if (!"result".equals(type) && !"error".equals(type)) {
      return false;
    }
    if (id.startsWith(idPrefix)) {
      answered(stanza);
      return true;
    }
    int end = id.indexOf('-', PREFIX.length());
    if (end < 0) {
      return false;
    }
    ActorRef<ClusterDirectory.Forward> owner =
        directory.remote(inbox(id.substring(PREFIX.length(), end)));
    if (owner != null) {
      owner.tell(new ClusterDirectory.Forward(stanza));
    }
    return true; // an answer to a node that is gone is dropped
  }

  private void answered(Element stanza) {
    Pending waiting = pending.get(stanza.attr("id"));
    // only the addressee answers: a reply with our id from anyone else is dropped
    if (waiting != null
        && waiting.to() != null
        && stanza.fromJid() != null
        && waiting.to().equals(stanza.fromJid().toString())
        && pending.remove(stanza.attr("id"), waiting)) {
      waiting.reply().complete(stanza);
    }
  }

  private static String inbox(String node) {
    return "iq-replies " + node;
  }
}
