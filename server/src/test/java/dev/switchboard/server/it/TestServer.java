package dev.switchboard.server.it;

import dev.switchboard.server.Server;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.xmpp.Jid;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** A real server on loopback with its own data directory and free ports, for integration tests. */
public final class TestServer implements AutoCloseable {
  public static final String DOMAIN = "localhost";

  private final Path dir;
  private final Map<String, String> overrides;
  private Server server;
  private int port;
  private int tlsPort;

  private TestServer(Path dir, Map<String, String> overrides) {
    this.dir = dir;
    this.overrides = Map.copyOf(overrides);
    boot();
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** Starts a server; {@code overrides} are configuration keys relative to {@code switchboard.}. */
  public static TestServer start(Map<String, String> overrides) {
    try {
      return new TestServer(Files.createTempDirectory("switchboard-it"), overrides);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void boot() {
    try {
      port = freePort();
      tlsPort = freePort();
      Map<String, String> o = new LinkedHashMap<>();
      o.put("data-dir", "\"" + dir.toString().replace("\\", "\\\\") + "\"");
      o.put("c2s.bind-address", "\"127.0.0.1\"");
      o.put("c2s.port", Integer.toString(port));
      o.put("c2s.tls-port", Integer.toString(tlsPort));
      o.put("http.port", "0");
      o.putAll(overrides);
      server = Server.start(ConfigLoader.load(null, o));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stops the server and starts a new one on the same data directory (and new ports), so that
   * everything an account knows must come back from storage.
   */
  public void restart() {
    server.close();
    boot();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public Server server() {
    return server;
  }

  public int port() {
    return port;
  }

  public int tlsPort() {
    return tlsPort;
  }

  public Path dataDir() {
    return dir;
  }

  public Jid createAccount(String user, String password) {
    return createAccount(user, DOMAIN, password);
  }

  /** Creates an account of any hosted domain. */
  public Jid createAccount(String user, String domain, String password) {
    Jid jid = Jid.bare(user, domain);
    if (!server.accounts().create(jid, Passwords.derive(password, 4096))) {
      throw new IllegalStateException(jid + " exists");
    }
    return jid;
  }

  /** Trusts exactly the certificate the server generated. */
  public X509TrustManager trustManager() {
    return trustManager(DOMAIN);
  }

  /** Trusts exactly the certificate the server generated for one hosted domain. */
  public X509TrustManager trustManager(String domain) {
    try (InputStream in = Files.newInputStream(dir.resolve("tls").resolve(domain + ".crt"))) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("switchboard", cert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public SSLContext sslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
