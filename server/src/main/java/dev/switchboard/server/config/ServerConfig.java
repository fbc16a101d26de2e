package dev.switchboard.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.switchboard.xmpp.Jid;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated server configuration. Each record's compact constructor checks its values and
 * throws {@link ConfigError} naming the key; the documentation of every key is in
 * config/switchboard.conf.
 */
public record ServerConfig(
    String domain,
    Path dataDir,
    C2s c2s,
    Tls tls,
    Http http,
    Auth auth,
    boolean allowRegistration,
    ConflictPolicy onConflict,
    Database database,
    Cluster cluster,
    Map<String, VirtualHost> hosts,
    Config raw) {

  public ServerConfig {
    if (Jid.tryParse(domain) == null || !Jid.parse(domain).isDomain()) {
      throw new ConfigError("switchboard.domain: '" + domain + "' is not a valid XMPP domain");
    }
    domain = Jid.parse(domain).toString();
    hosts = Map.copyOf(hosts);
    if (hosts.containsKey(domain)) {
      throw new ConfigError(
          "switchboard.hosts: \"" + domain + "\" is already the domain (switchboard.domain)");
    }
  }

  /**
   * A hosted domain besides {@link #domain}: its own accounts, its own certificate (empty: the
   * generated one), and its own module options under {@code modules} (read by the module registry).
   */
  public record VirtualHost(String domain, String certificate, String privateKey) {
    public VirtualHost {
      if (certificate.isEmpty() != privateKey.isEmpty()) {
        throw new ConfigError(
            "switchboard.hosts.\""
                + domain
                + "\".tls: certificate and private-key must be given together");
      }
    }
  }

  /** Every hosted domain, {@link #domain} first. */
  public List<String> hostedDomains() {
    List<String> all = new java.util.ArrayList<>();
    all.add(domain);
    all.addAll(new java.util.TreeSet<>(hosts.keySet()));
    return all;
  }

  /** What happens when a second session binds a full JID that is already bound. */
  public enum ConflictPolicy {
    REPLACE,
    REJECT
  }

  public record C2s(
      String bindAddress,
      int port,
      int tlsPort,
      boolean requireTls,
      int maxStanzaSize,
      Duration handshakeTimeout,
      Duration idleTimeout,
      Duration parserRestAfter,
      int maxAuthFailures,
      int backlog,
      Duration maxResumeTime) {
    public C2s {
      checkPort("switchboard.c2s.port", port, false);
      checkPort("switchboard.c2s.tls-port", tlsPort, true);
      if (maxStanzaSize < 1024) {
        throw new ConfigError("switchboard.c2s.max-stanza-size: must be at least 1KiB");
      }
      checkPositive("switchboard.c2s.handshake-timeout", handshakeTimeout);
      checkPositive("switchboard.c2s.idle-timeout", idleTimeout);
      if (parserRestAfter.isNegative()) {
        throw new ConfigError("switchboard.c2s.parser-rest-after: must not be negative");
      }
      if (maxAuthFailures < 1) {
        throw new ConfigError("switchboard.c2s.max-auth-failures: must be at least 1");
      }
      if (backlog < 1) {
        throw new ConfigError("switchboard.c2s.backlog: must be at least 1");
      }
      checkPositive("switchboard.c2s.max-resume-time", maxResumeTime);
    }
  }

  public record Tls(String certificate, String privateKey, List<String> protocols) {
    private static final Set<String> ALLOWED = Set.of("TLSv1.2", "TLSv1.3");

    public Tls {
      if (certificate.isEmpty() != privateKey.isEmpty()) {
        throw new ConfigError(
            "switchboard.tls: certificate and private-key must be given together");
      }
      if (protocols.isEmpty()) {
        throw new ConfigError("switchboard.tls.protocols: at least one protocol is needed");
      }
      for (String p : protocols) {
        if (!ALLOWED.contains(p)) {
          throw new ConfigError(
              "switchboard.tls.protocols: '" + p + "' is not allowed (TLSv1.2 or TLSv1.3)");
        }
      }
      protocols = List.copyOf(protocols);
    }

    public boolean generated() {
      return certificate.isEmpty();
    }
  }

  public record Http(String bindAddress, int port) {
    public Http {
      checkPort("switchboard.http.port", port, true);
    }
  }

  public record Auth(
      List<String> mechanisms, int scramIterations, int plainCacheSize, Duration plainCacheTtl) {
    private static final Set<String> KNOWN = Set.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN");

    public Auth {
      for (String m : mechanisms) {
        if (!KNOWN.contains(m)) {
          throw new ConfigError(
              "switchboard.auth.mechanisms: unknown mechanism '" + m + "' (known: " + KNOWN + ")");
        }
      }
      if (mechanisms.isEmpty()) {
        throw new ConfigError("switchboard.auth.mechanisms: at least one mechanism is needed");
      }
      if (scramIterations < 4096 || scramIterations > 10_000_000) {
        throw new ConfigError(
            "switchboard.auth.scram-iterations: must be between 4096 and 10000000");
      }
      if (plainCacheSize < 0 || plainCacheSize > 10_000_000) {
        throw new ConfigError("switchboard.auth.plain-cache-size: must be between 0 and 10000000");
      }
      if (plainCacheTtl.isNegative()) {
        throw new ConfigError("switchboard.auth.plain-cache-ttl: must not be negative");
      }
      mechanisms = List.copyOf(mechanisms);
    }
  }

  public record Database(String url, String user, String password, int poolSize, int maxBatch) {
    public Database {
      if (!url.isEmpty()
          && !url.startsWith("jdbc:sqlite:")
          && !url.startsWith("jdbc:postgresql:")) {
        throw new ConfigError(
            "switchboard.database.url: only jdbc:sqlite: and jdbc:postgresql: URLs are supported");
      }
      if (poolSize < 1 || poolSize > 1000) {
        throw new ConfigError("switchboard.database.pool-size: must be between 1 and 1000");
      }
      if (maxBatch < 1 || maxBatch > 100_000) {
        throw new ConfigError("switchboard.database.max-batch: must be between 1 and 100000");
      }
    }
  }

  /**
   * Cluster membership (Pekko Cluster over Artery TCP).
   *
   * @param nodeName this node's name in {@code cluster status}; empty means host:port
   * @param seeds seed nodes as host:port; empty means this node forms a cluster of its own
   */
  public record Cluster(
      String nodeName,
      String host,
      int port,
      List<String> seeds,
      Duration stableAfter,
      int redirectAbove,
      String publicHost) {
    public Cluster {
      if (redirectAbove < 0) {
        throw new ConfigError("switchboard.cluster.redirect-above: must be 0 or more");
      }
      checkPort("switchboard.cluster.port", port, true);
      for (String seed : seeds) {
        int colon = seed.lastIndexOf(':');
        boolean ok = colon > 0;
        if (ok) {
          try {
            int p = Integer.parseInt(seed.substring(colon + 1));
            ok = p > 0 && p <= 65535;
          } catch (NumberFormatException e) {
            ok = false;
          }
        }
        if (!ok) {
          throw new ConfigError("switchboard.cluster.seeds: '" + seed + "' is not host:port");
        }
      }
      if (!seeds.isEmpty() && port == 0) {
        throw new ConfigError(
            "switchboard.cluster.port: a node that joins seeds needs a fixed port, not 0");
      }
      checkPositive("switchboard.cluster.stable-after", stableAfter);
      seeds = List.copyOf(seeds);
    }

    /** The host clients are sent to when redirected here. */
    public String clientHost() {
      return publicHost.isEmpty() ? host : publicHost;
    }
  }

  /** The JDBC URL to use: the configured one, or SQLite in the data directory. */
  public String jdbcUrl() {
    return database.url().isEmpty()
        ? "jdbc:sqlite:" + dataDir.resolve("switchboard.db").toAbsolutePath()
        : database.url();
  }

  static ServerConfig from(Config c) {
    Config s = c.getConfig("switchboard");
    return new ServerConfig(
        s.getString("domain"),
        Path.of(s.getString("data-dir")),
        new C2s(
            s.getString("c2s.bind-address"),
            s.getInt("c2s.port"),
            s.getInt("c2s.tls-port"),
            s.getBoolean("c2s.require-tls"),
            bytes(s, "c2s.max-stanza-size"),
            s.getDuration("c2s.handshake-timeout"),
            s.getDuration("c2s.idle-timeout"),
            s.getDuration("c2s.parser-rest-after"),
            s.getInt("c2s.max-auth-failures"),
            s.getInt("c2s.backlog"),
            s.getDuration("c2s.max-resume-time")),
        new Tls(
            s.getString("tls.certificate"),
            s.getString("tls.private-key"),
            s.getStringList("tls.protocols")),
        new Http(s.getString("http.bind-address"), s.getInt("http.port")),
        new Auth(
            s.getStringList("auth.mechanisms"),
            s.getInt("auth.scram-iterations"),
            s.getInt("auth.plain-cache-size"),
            s.getDuration("auth.plain-cache-ttl")),
        s.getBoolean("registration.allow"),
        conflict(s.getString("sessions.on-conflict")),
        new Database(
            s.getString("database.url"),
            s.getString("database.user"),
            s.getString("database.password"),
            s.getInt("database.pool-size"),
            s.getInt("database.max-batch")),
        new Cluster(
            s.getString("cluster.node-name"),
            s.getString("cluster.host"),
            s.getInt("cluster.port"),
            s.getStringList("cluster.seeds"),
            s.getDuration("cluster.stable-after"),
            s.getInt("cluster.redirect-above"),
            s.getString("cluster.public-host")),
        hosts(s),
        c);
  }

  /** {@code switchboard.hosts}: each key a domain, with only tls and modules sections. */
  private static Map<String, VirtualHost> hosts(Config s) {
    Map<String, VirtualHost> out = new java.util.LinkedHashMap<>();
    if (!s.hasPath("hosts")) {
      return out;
    }
    Config hosts = s.getConfig("hosts");
    for (String key : hosts.root().keySet()) {
      Jid d = Jid.tryParse(key);
      if (d == null || !d.isDomain()) {
        throw new ConfigError("switchboard.hosts: '" + key + "' is not a valid XMPP domain");
      }
      String domain = d.toString();
      Config h = hosts.getConfig("\"" + key + "\"");
      for (String sub : h.root().keySet()) {
        if (!sub.equals("tls") && !sub.equals("modules")) {
          throw new ConfigError(
              "unknown configuration key 'switchboard.hosts.\"" + key + "\"." + sub + "'");
        }
      }
      if (h.hasPath("tls")) {
        for (String t : h.getConfig("tls").root().keySet()) {
          if (!t.equals("certificate") && !t.equals("private-key")) {
            throw new ConfigError(
                "unknown configuration key 'switchboard.hosts.\"" + key + "\".tls." + t + "'");
          }
        }
      }
      if (out.put(
              domain,
              new VirtualHost(
                  domain,
                  h.hasPath("tls.certificate") ? h.getString("tls.certificate") : "",
                  h.hasPath("tls.private-key") ? h.getString("tls.private-key") : ""))
          != null) {
        throw new ConfigError("switchboard.hosts: '" + domain + "' is listed twice");
      }
    }
    return out;
  }

  private static int bytes(Config s, String key) {
    long v = s.getBytes(key);
    if (v > Integer.MAX_VALUE) {
      throw new ConfigException.BadValue(key, "too large");
    }
    return (int) v;
  }

  private static ConflictPolicy conflict(String v) {
    return switch (v) {
      case "replace" -> ConflictPolicy.REPLACE;
      case "reject" -> ConflictPolicy.REJECT;
      default ->
          throw new ConfigError(
              "switchboard.sessions.on-conflict: '" + v + "' is not one of replace, reject");
    };
  }

  private static void checkPort(String key, int port, boolean zeroAllowed) {
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      throw new ConfigError(key + ": " + port + " is not a valid port");
    }
  }

  private static void checkPositive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new ConfigError(key + ": must be positive");
    }
  }
}
