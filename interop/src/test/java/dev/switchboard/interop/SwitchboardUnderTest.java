package dev.switchboard.interop;

import dev.switchboard.server.Server;
import dev.switchboard.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A Switchboard server started in this JVM for an outside suite: loopback only, a fresh data
 * directory, free ports, in-band registration on (the suite makes its own accounts) and the
 * self-signed certificate the server makes for its domain on first start.
 *
 * <p>The server module's own {@code TestServer} does the same for its tests; it is not shared
 * because its test jar would bring Smack 4.4 test helpers onto a class path that holds Smack 4.5.
 */
final class SwitchboardUnderTest implements AutoCloseable {
  static final String DOMAIN = "localhost";

  private final Path dataDir;
  private final int port;
  private final Server server;

  private SwitchboardUnderTest(Path dataDir, int port, Server server) {
    this.dataDir = dataDir;
    this.port = port;
    this.server = server;
  }

  /** Starts the server; any failure to start is an exception, never a quiet skip. */
  static SwitchboardUnderTest start() throws IOException {
    Path dir = Files.createTempDirectory("switchboard-interop");
    int port = freePort();
    Map<String, String> o = new LinkedHashMap<>();
    o.put("domain", "\"" + DOMAIN + "\"");
    o.put("data-dir", "\"" + dir.toString().replace("\\", "\\\\") + "\"");
    o.put("c2s.bind-address", "\"127.0.0.1\"");
    o.put("c2s.port", Integer.toString(port));
    o.put("c2s.tls-port", "0");
    o.put("http.port", "0");
    o.put("registration.allow", "true");
    // the suite keeps one connection open without logging in, to register accounts through for
    // the whole run; the default 30 s to bind a resource would close it half way
    o.put("c2s.handshake-timeout", "1h");
    return new SwitchboardUnderTest(dir, port, Server.start(ConfigLoader.load(null, o)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The client port (STARTTLS). */
  int port() {
    return port;
  }

  /**
   * Trusts exactly the certificate the server made for itself. (The suite's own way, {@code
   * sinttest.serviceTlsPin}, does not work in 4.5.0-beta5: Smack initialises the pinning SSLContext
   * a second time with the default trust managers, so the pin is ignored.)
   */
  X509TrustManager trustManager() throws IOException, GeneralSecurityException {
    return trusting(dataDir.resolve("tls").resolve(DOMAIN + ".crt"));
  }

  /** A trust manager that trusts the one certificate in {@code pem} and nothing else. */
  static X509TrustManager trusting(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("server", cert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return (X509TrustManager) tmf.getTrustManagers()[0];
    }
  }

  @Override
  public void close() {
    server.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
