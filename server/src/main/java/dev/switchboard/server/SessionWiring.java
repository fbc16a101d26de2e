package dev.switchboard.server;

import dev.switchboard.server.account.AccountStore;
import dev.switchboard.server.auth.PlainLoginCache;
import dev.switchboard.server.auth.SaslMechanism;
import dev.switchboard.server.auth.SaslMechanisms;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.metrics.Metrics;
import dev.switchboard.server.module.HostModules;
import dev.switchboard.server.module.ModuleRegistry;
import dev.switchboard.server.module.PreAuthIqHandler;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.session.ResumableSessions;
import dev.switchboard.server.session.SessionServices;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.stream.StreamMachine;
import dev.switchboard.server.stream.StreamPolicy;
import dev.switchboard.server.user.Owners;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaError;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Builds what every client session shares from the configuration and the started modules: the SASL
 * mechanisms, each hosted domain's stream policy, the stream machine, and the modules'
 * pre-authentication IQ handlers and session filters by domain.
 */
final class SessionWiring {
  private SessionWiring() {}

  static SessionServices services(
      ServerConfig config,
      ModuleRegistry modules,
      ExecutorService cpu,
      BlockingExecutor blocking,
      AccountStore accounts,
      Router router,
      Owners owners,
      Metrics metrics,
      Supplier<Optional<String>> redirect,
      String nodeId) {
    Map<String, SaslMechanism> mechanisms = new HashMap<>();
    PlainLoginCache plainCache =
        new PlainLoginCache(config.auth().plainCacheSize(), config.auth().plainCacheTtl());
    for (SaslMechanism m :
        SaslMechanisms.create(
            config.auth().mechanisms(), cpu, config.auth().scramIterations(), plainCache)) {
      mechanisms.put(m.name(), m);
    }
    StreamPolicy.Hosts hosts = new Policies(config, modules);
    Supplier<String> ids = randomIds();
    SessionServices.PreAuthIqs preAuth =
        (domain, iq, secured) -> {
          PreAuthIqHandler h = modules.host(domain).preAuthIqs().get(iq.firstElement().namespace());
          return h == null
              ? CompletableFuture.completedFuture(
                  StanzaError.reply(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE, null))
              : h.handle(iq, secured);
        };
    return new SessionServices(
        config.c2s(),
        new StreamMachine(hosts, ids),
        Map.copyOf(mechanisms),
        domain ->
            username -> blocking.submit(() -> accounts.credentials(Jid.bare(username, domain))),
        router,
        owners,
        preAuth,
        metrics,
        ids,
        new ResumableSessions(),
        redirect,
        domain -> modules.host(domain).sessionFilters(),
        nodeId);
  }

  /**
   * Each hosted domain's stream policy, built from its modules' registrations and rebuilt when they
   * change (a module started or stopped while the server runs).
   */
  private static final class Policies implements StreamPolicy.Hosts {
    private record Built(long changes, StreamPolicy policy) {}

    private final ServerConfig config;
    private final ModuleRegistry modules;
    private final Set<String> hosted;
    private final Map<String, Built> built = new ConcurrentHashMap<>();

    Policies(ServerConfig config, ModuleRegistry modules) {
      this.config = config;
      this.modules = modules;
      this.hosted = Set.copyOf(config.hostedDomains());
      for (String domain : hosted) {
        find(domain);
      }
    }

    @Override
    public StreamPolicy find(String domain) {
      if (domain == null || !hosted.contains(domain)) {
        return null;
      }
      HostModules host = modules.host(domain);
      long now = host.changes();
      Built b = built.get(domain);
      if (b == null || b.changes() != now) {
        b = new Built(now, policy(config, domain, host));
        built.put(domain, b);
      }
      return b.policy();
    }

    @Override
    public String fallbackDomain() {
      return config.domain();
    }
  }

  private static StreamPolicy policy(ServerConfig config, String domain, HostModules host) {
    // stream features after authentication: the kernel's stream management, then the modules'
    List<Element> postAuth = new ArrayList<>();
    postAuth.add(SessionServices.STREAM_MANAGEMENT_FEATURE);
    postAuth.addAll(host.postAuthFeatures());
    return new StreamPolicy(
        domain,
        config.c2s().requireTls(),
        config.auth().mechanisms(),
        !config.c2s().requireTls(),
        host.preAuthFeatures(),
        host.preAuthIqs().keySet(),
        postAuth,
        Set.of(SessionServices.STREAM_MANAGEMENT),
        config.c2s().maxAuthFailures());
  }

  /** Stream and resumption ids: 96 random bits, in hex. */
  private static Supplier<String> randomIds() {
    SecureRandom random = new SecureRandom();
    return () -> {
      byte[] id = new byte[12];
      random.nextBytes(id);
      return HexFormat.of().formatHex(id);
    };
  }
}
