package dev.switchboard.server.routing;

import dev.switchboard.server.iq.ServerIqs;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The domains this server hosts (virtual hosts, each with its own accounts), with the IQ handlers
 * that answer for each domain itself. The same on every node of a cluster.
 */
public final class HostedDomains {
  private final Map<String, ServerIqs> serverIqs = new LinkedHashMap<>();

  /**
   * @param domains the hosted domains, the default one first
   */
  public HostedDomains(Iterable<String> domains) {
    for (String d : domains) {
      serverIqs.put(d, new ServerIqs());
    }
    if (serverIqs.isEmpty()) {
      throw new IllegalArgumentException("at least one hosted domain is needed");
    }
  }

  public boolean hosts(String domain) {
    return serverIqs.containsKey(domain);
  }

  /** The hosted domains, the default one first. */
  public Set<String> domains() {
    return Collections.unmodifiableSet(serverIqs.keySet());
  }

  /** The first hosted domain, used where a client named none (a refused stream's header). */
  public String defaultDomain() {
    return serverIqs.keySet().iterator().next();
  }

  /** The IQ handlers of a hosted domain itself. */
  public ServerIqs serverIqs(String domain) {
    ServerIqs iqs = serverIqs.get(domain);
    if (iqs == null) {
      throw new IllegalArgumentException(domain + " is not hosted here");
    }
    return iqs;
  }
}
