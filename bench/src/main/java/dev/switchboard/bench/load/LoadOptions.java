package dev.switchboard.bench.load;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;
import picocli.CommandLine.Option;

/** Options every load scenario shares: the server, the accounts, how clients log in. */
final class LoadOptions {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address")
  String host;

  @Option(
      names = "--port",
      defaultValue = "5222",
      split = ",",
      description =
          "Server port; several (comma-separated, e.g. the nodes of a cluster) spread the clients"
              + " over them, client i on port i mod n")
  List<Integer> ports;

  @Option(names = "--domain", defaultValue = "localhost", description = "XMPP domain")
  String domain;

  @Option(names = "--users", defaultValue = "1000", description = "Simulated clients (N)")
  int users;

  @Option(
      names = "--first",
      defaultValue = "1",
      description = "Number of the first account: clients are <prefix><first>..")
  int first;

  @Option(names = "--user-prefix", defaultValue = "u", description = "Localpart prefix")
  String userPrefix;

  @Option(names = "--password", defaultValue = "pw", description = "Every account's password")
  String password;

  @Option(names = "--resource", defaultValue = "bench", description = "Resource to bind")
  String resource;

  @Option(
      names = "--sasl",
      defaultValue = "PLAIN",
      description = "PLAIN, SCRAM-SHA-1 or SCRAM-SHA-256")
  String mechanism;

  @Option(names = "--starttls", description = "Upgrade with STARTTLS before authenticating")
  boolean starttls;

  @Option(names = "--direct-tls", description = "TLS from the first byte (XEP-0368 port)")
  boolean directTls;

  @Option(
      names = "--trust-cert",
      paramLabel = "PEM",
      description = "Trust only this certificate (default: trust any; loopback benchmarks)")
  File trustCert;

  @Option(names = "--session", description = "Send the RFC 3921 session IQ after binding")
  boolean session;

  @Option(
      names = "--rate",
      description =
          "Logins started per second; 0 for as fast as --concurrency allows (default: idle"
              + " and chat 500, login-storm 0)")
  Double rate;

  @Option(
      names = "--concurrency",
      description = "Most logins in progress at once (default: 1000; login-storm 200)")
  Integer concurrency;

  @Option(
      names = "--login-timeout",
      defaultValue = "60s",
      converter = Durations.class,
      description = "A login not done by then counts as failed")
  Duration loginTimeout;

  @Option(
      names = "--threads",
      description = "Netty event loops of the generator (default: one per core)")
  Integer threads;

  @Option(
      names = "--sources",
      split = ",",
      paramLabel = "ADDR",
      description =
          "Local addresses to connect from, round robin (e.g. 127.0.0.1,127.0.0.2), when one"
              + " address runs out of ephemeral ports (~28,000 connections)")
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--server-pid",
      split = ",",
      description =
          "PID of the server, to read its memory and CPU from /proc; several (comma-separated, the"
              + " nodes of a cluster) are summed")
  List<Long> serverPids = new ArrayList<>();

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON")
  File json;

  @Option(
      names = "--label",
      description = "Name of the server under test in the report (default host:port)")
  String label;

  String label() {
    return label != null ? label : host + ":" + portList();
  }

  String portList() {
    return ports.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
  }

  int threads() {
    return threads != null ? threads : Runtime.getRuntime().availableProcessors();
  }

  ClientSettings settings(Executor cpuPool) throws SSLException {
    SslContext ssl = null;
    if (starttls || directTls) {
      SslContextBuilder b = SslContextBuilder.forClient();
      ssl =
          trustCert != null
              ? b.trustManager(trustCert).build()
              : b.trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    }
    return new ClientSettings(
        host,
        List.copyOf(ports),
        domain,
        userPrefix,
        first,
        password,
        resource,
        mechanism,
        starttls,
        directTls,
        session,
        loginTimeout,
        ssl,
        cpuPool);
  }

  /** How long a login phase of {@code n} clients started at {@code rate} may take in all. */
  Duration phaseTimeout(int n, double rate) {
    double pacing = rate > 0 ? n / rate : 0;
    return Duration.ofMillis((long) (pacing * 1000)).plus(loginTimeout).plus(loginTimeout);
  }
}
