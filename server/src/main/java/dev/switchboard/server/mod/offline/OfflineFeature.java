package dev.switchboard.server.mod.offline;

import dev.switchboard.server.delivery.Delivery;
import dev.switchboard.server.delivery.DurableWrites;
import dev.switchboard.server.store.GroupCommitter;
import dev.switchboard.server.user.SessionEntry;
import dev.switchboard.server.user.StateKey;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.MessageHints;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** XEP-0160 inside each account's user actor; the quota is per account. */
final class OfflineFeature {
  private static final Logger LOG = LoggerFactory.getLogger(OfflineFeature.class);
  private static final String DELAY = "urn:xmpp:delay";
  private static final String KEY_PREFIX = "offline:";

  /** How many messages are stored, as far as this actor knows. */
  private static final StateKey<int[]> COUNT = StateKey.named("offline-count");

  private static final AtomicLong LAST_SEQ = new AtomicLong();

  private final OfflineStore store;
  private final GroupCommitter committer;
  private final String domain;
  private final int quota;

  OfflineFeature(OfflineStore store, GroupCommitter committer, String domain, int quota) {
    this.store = store;
    this.committer = committer;
    this.domain = domain;
    this.quota = quota;
  }

  /** Sequence numbers increase across the node and with time, so order survives restarts. */
  private static long nextSeq() {
    long now = System.currentTimeMillis() << 12;
    return LAST_SEQ.updateAndGet(prev -> Math.max(prev + 1, now));
  }

  CompletionStage<Consumer<UserContext>> load(Jid account) {
    return committer
        .read(c -> store.count(c, account))
        .thenApply(n -> ctx -> ctx.put(COUNT, new int[] {n}));
  }

  boolean undeliverable(UserContext ctx, Element message, DurableWrites durable) {
    if (!MessageHints.storable(message)) {
      return false;
    }
    int[] count = ctx.get(COUNT);
    if (count[0] >= quota) {
      LOG.debug("offline quota of {} reached for {}", quota, ctx.jid());
      return false; // the sender gets service-unavailable
    }
    count[0]++;
    Element stamped =
        message
            .withoutChildren(e -> e.is("delay", DELAY))
            .withChild(
                Element.builder("delay", DELAY)
                    .attr("from", domain)
                    .attr("stamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString())
                    .text("Offline storage")
                    .build());
    long seq = nextSeq();
    Jid owner = ctx.jid();
    durable.add(c -> store.add(c, owner, seq, stamped));
    return true;
  }

  CompletionStage<List<Delivery>> pending(UserContext ctx, SessionEntry session) {
    if (ctx.get(COUNT)[0] == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    Jid owner = ctx.jid();
    return committer
        .read(c -> store.list(c, owner))
        .thenApply(
            stored -> {
              List<Delivery> out = new ArrayList<>(stored.size());
              for (OfflineStore.Stored s : stored) {
                Element m = s.message().withTo(session.jid());
                out.add(new Delivery(m, KEY_PREFIX + s.seq()));
              }
              return out;
            });
  }

  void acknowledged(UserContext ctx, List<String> storedKeys) {
    List<Long> seqs = new ArrayList<>();
    for (String r : storedKeys) {
      if (r.startsWith(KEY_PREFIX)) {
        seqs.add(Long.parseLong(r.substring(KEY_PREFIX.length())));
      }
    }
    if (seqs.isEmpty()) {
      return;
    }
    int[] count = ctx.get(COUNT);
    count[0] = Math.max(0, count[0] - seqs.size());
    Jid owner = ctx.jid();
    committer
        .submit(c -> store.delete(c, owner, seqs))
        .exceptionally(
            e -> {
              LOG.error("deleting delivered offline messages of {} failed", owner, e);
              return null;
            });
  }
}
