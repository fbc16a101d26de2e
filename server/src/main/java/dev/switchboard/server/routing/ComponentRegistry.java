package dev.switchboard.server.routing;

import dev.switchboard.xmpp.Element;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The component domains modules serve (a multi-user chat service at {@code conference.DOMAIN}, an
 * upload service at {@code upload.DOMAIN}), cluster-wide: each registration is also published in
 * the {@link ClusterDirectory}, so a stanza for a component reaches it from any node, even one that
 * does not run the module itself.
 */
public final class ComponentRegistry {
  private final Map<String, ComponentHandler> local = new ConcurrentHashMap<>();
  private final ClusterDirectory directory;

  public ComponentRegistry(ClusterDirectory directory) {
    this.directory = directory;
  }

  /** Serves {@code domain} with {@code handler}; returns what withdraws it. */
  public Runnable register(String domain, ComponentHandler handler) {
    if (local.putIfAbsent(domain, handler) != null) {
      throw new IllegalStateException("two components for " + domain);
    }
    directory.publish(name(domain), handler::handle);
    return () -> {
      if (local.remove(domain, handler)) {
        directory.withdraw(name(domain));
      }
    };
  }

  /** Whether a component serves {@code domain}, here or on another node. */
  public boolean serves(String domain) {
    return local.containsKey(domain) || directory.remote(name(domain)) != null;
  }

  /** The component domains served on this node. */
  public Set<String> localDomains() {
    return Collections.unmodifiableSet(local.keySet());
  }

  /** Hands the stanza to the component serving {@code domain}; false when none does. */
  boolean route(String domain, Element stanza) {
    ComponentHandler h = local.get(domain);
    if (h != null) {
      h.handle(stanza);
      return true;
    }
    ActorRef<ClusterDirectory.Forward> other = directory.remote(name(domain));
    if (other != null) {
      other.tell(new ClusterDirectory.Forward(stanza));
      return true;
    }
    return false;
  }

  private static String name(String domain) {
    return "component " + domain;
  }
}
