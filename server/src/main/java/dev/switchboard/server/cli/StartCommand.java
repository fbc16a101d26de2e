package dev.switchboard.server.cli;

import dev.switchboard.server.Server;
import dev.switchboard.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard start}: runs the server in the foreground until SIGINT or SIGTERM. */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = "Start the server in the foreground (stop it with Ctrl-C or SIGTERM)")
public final class StartCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(names = "--c2s-port", paramLabel = "PORT", description = "STARTTLS port (c2s.port)")
  Integer c2sPort;

  @Option(
      names = "--tls-port",
      paramLabel = "PORT",
      description = "Direct TLS port, 0 for none (c2s.tls-port)")
  Integer tlsPort;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "Metrics and admin HTTP port, 0 for none (http.port)")
  Integer httpPort;

  @Option(
      names = "--allow-registration",
      description = "Let clients create accounts in-band (registration.allow)")
  boolean allowRegistration;

  @Option(
      names = "--no-require-tls",
      description = "Allow authentication without TLS; for loopback benchmarks only")
  boolean noRequireTls;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "This node's name (cluster.node-name)")
  String node;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      description = "Cluster (Artery TCP) port (cluster.port)")
  Integer clusterPort;

  @Option(
      names = "--seed",
      paramLabel = "HOST:PORT",
      description = "A seed node to join; repeat for several (cluster.seeds)")
  List<String> seeds = new ArrayList<>();

  @Option(
      names = "--db-url",
      paramLabel = "URL",
      description = "JDBC URL, e.g. jdbc:postgresql://host/db (database.url)")
  String dbUrl;

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user (database.user)")
  String dbUser;

  @Option(
      names = "--db-password-file",
      paramLabel = "FILE",
      description = "File holding the database password (database.password)")
  Path dbPasswordFile;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> o = new LinkedHashMap<>();
    if (c2sPort != null) {
      o.put("c2s.port", c2sPort.toString());
    }
    if (tlsPort != null) {
      o.put("c2s.tls-port", tlsPort.toString());
    }
    if (httpPort != null) {
      o.put("http.port", httpPort.toString());
    }
    if (allowRegistration) {
      o.put("registration.allow", "true");
    }
    if (noRequireTls) {
      o.put("c2s.require-tls", "false");
    }
    if (node != null) {
      o.put("cluster.node-name", ConfigOptions.quote(node));
    }
    if (clusterPort != null) {
      o.put("cluster.port", clusterPort.toString());
    }
    if (!seeds.isEmpty()) {
      o.put(
          "cluster.seeds",
          seeds.stream().map(ConfigOptions::quote).collect(Collectors.joining(",", "[", "]")));
    }
    if (dbUrl != null) {
      o.put("database.url", ConfigOptions.quote(dbUrl));
    }
    if (dbUser != null) {
      o.put("database.user", ConfigOptions.quote(dbUser));
    }
    if (dbPasswordFile != null) {
      try {
        o.put("database.password", ConfigOptions.quote(Files.readString(dbPasswordFile).strip()));
      } catch (IOException e) {
        throw new UserError(
            "cannot read --db-password-file " + dbPasswordFile + ": " + e.getMessage());
      }
    }
    ServerConfig config = options.load(o);
    Server server = Server.start(config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Switchboard stopping");
                  server.close();
                },
                "switchboard-shutdown"));
    try {
      server.whenStopped().get();
    } catch (ExecutionException e) {
      return 1;
    }
    System.out.println("Switchboard stopped");
    return 0;
  }
}
