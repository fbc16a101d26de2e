package dev.switchboard.server.session;

import dev.switchboard.server.delivery.ClientInbox;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * This node's resumable XEP-0198 sessions by stream id, and, for a while after each one ended, the
 * count of stanzas it had handled, so that a late {@code <resume/>} gets {@code <failed h=.../>}
 * with the right number.
 */
public final class ResumableSessions {
  private static final int MAX_TOMBSTONES = 100_000;

  private final Map<String, ActorRef<ClientInbox>> live = new ConcurrentHashMap<>();
  private final Map<String, Long> ended =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
              return size() > MAX_TOMBSTONES;
            }
          });

  void register(String id, ActorRef<ClientInbox> session) {
    live.put(id, session);
  }

  /** The session ended for good, having handled {@code h} stanzas. */
  void ended(String id, long h) {
    live.remove(id);
    ended.put(id, h);
  }

  Optional<ActorRef<ClientInbox>> find(String id) {
    return Optional.ofNullable(live.get(id));
  }

  /** The handled count of a session that has ended, if it is still remembered. */
  Optional<Long> endedWith(String id) {
    return Optional.ofNullable(ended.get(id));
  }
}
