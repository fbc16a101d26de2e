package dev.switchboard.server;

import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.config.Version;
import dev.switchboard.server.tls.TlsContexts;
import dev.switchboard.server.tls.TlsCredentials;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The lines a started node prints: what it serves, where it listens, which certificates. */
final class StartupBanner {
  private StartupBanner() {}

  static void print(
      ServerConfig config,
      long startMillis,
      boolean epoll,
      List<InetSocketAddress> c2s,
      InetSocketAddress http,
      TlsContexts tls) {
    System.out.printf(
        "Switchboard %s serving %s (data in %s, %s transport) started in %d ms%n",
        Version.current(),
        String.join(", ", config.hostedDomains()),
        config.dataDir().toAbsolutePath().normalize(),
        epoll ? "epoll" : "nio",
        startMillis);
    String host = config.c2s().bindAddress();
    System.out.printf("  c2s (STARTTLS)   %s:%d%n", host, c2s.get(0).getPort());
    if (c2s.size() > 1) {
      System.out.printf("  c2s (direct TLS) %s:%d%n", host, c2s.get(1).getPort());
    }
    if (http != null) {
      System.out.printf(
          "  http (metrics)   http://%s:%d/metrics%n", http.getHostString(), http.getPort());
    }
    boolean several = tls.credentials().size() > 1;
    for (Map.Entry<String, TlsCredentials> e : tls.credentials().entrySet()) {
      TlsCredentials c = e.getValue();
      System.out.printf(
          "  TLS certificate  %s%s (SHA-256 %s)%s%n",
          c.certificatePath(),
          c.selfSigned() ? ", self-signed" : "",
          c.sha256Fingerprint(),
          several ? " for " + e.getKey() : "");
    }
    System.out.printf("  TLS library      %s%n", TlsCredentials.library());
    System.out.flush();
  }
}
