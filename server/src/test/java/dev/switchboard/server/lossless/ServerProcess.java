package dev.switchboard.server.lossless;

import dev.switchboard.server.account.JdbcAccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.cli.ConfigOptions;
import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Jid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The real server in a child JVM, so that it can be killed with SIGKILL and started again on the
 * same data directory and port, the way a crashed production process comes back.
 *
 * <p>The child runs {@code dev.switchboard.server.cli.Main start} with the class path of this JVM
 * ({@code java.class.path}), STARTTLS on a fixed loopback port, no direct TLS and no HTTP. Its
 * standard output and error go to {@code server.log} in the working directory given, one banner
 * line per start. {@link #kill()} is {@link Process#destroyForcibly()}, which on Linux sends
 * SIGKILL; it checks the exit status is 137 (128 + 9), i.e. the child died of that signal and not
 * of something else before. A shutdown hook kills the child if this JVM exits first.
 */
public final class ServerProcess implements AutoCloseable {
  public static final String DOMAIN = "localhost";
  static final String MAIN = "dev.switchboard.server.cli.Main";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int SIGKILL_STATUS = 128 + 9;

  private final Path dataDir;
  private final Path log;
  private final int port;
  private final Map<String, String> settings;
  private final Thread hook;
  private Process process;
  private int starts;

  /**
   * @param workDir where the data directory ({@code data/}) and {@code server.log} go
   * @param settings configuration keys relative to {@code switchboard.} and their HOCON values,
   *     passed with {@code --set}
   */
  public ServerProcess(Path workDir, Map<String, String> settings) {
    try {
      Files.createDirectories(workDir);
      this.dataDir = workDir.resolve("data").toAbsolutePath();
      this.log = workDir.resolve("server.log").toAbsolutePath();
      this.port = freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.settings = new LinkedHashMap<>(settings);
    this.hook = new Thread(this::destroyQuietly, "server-process-killer");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return log;
  }

  /** The STARTTLS port on 127.0.0.1; the same across restarts. */
  public int port() {
    return port;
  }

  /** How many times the child has been started. */
  public synchronized int starts() {
    return starts;
  }

  private ServerConfig config() {
    Map<String, String> o = new LinkedHashMap<>(settings);
    o.put("data-dir", ConfigOptions.quote(dataDir.toString()));
    o.put("domain", ConfigOptions.quote(DOMAIN));
    return ConfigLoader.load(null, o);
  }

  /**
   * Creates accounts directly in the data directory's database (as {@code switchboard account add}
   * does), before the server starts or while it runs.
   */
  public void createAccounts(Map<String, String> passwords) {
    ServerConfig cfg = config();
    try (Database db = Database.open(cfg)) {
      JdbcAccountStore store = new JdbcAccountStore(db);
      for (Map.Entry<String, String> e : passwords.entrySet()) {
        Jid jid = Jid.bare(e.getKey(), DOMAIN);
        if (!store.create(jid, Passwords.derive(e.getValue(), cfg.auth().scramIterations()))) {
          throw new IllegalStateException(jid + " exists");
        }
      }
    }
  }

  /** Starts the child and waits until it printed its start line; at most 90 s. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    starts++;
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.add("-Xmx512m");
    // the server's own logging (INFO), not the test suite's quiet one, in server.log
    Path logback = Path.of("src", "main", "resources", "logback.xml").toAbsolutePath();
    if (Files.isRegularFile(logback)) {
      cmd.add("-Dlogback.configurationFile=" + logback);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MAIN);
    cmd.addAll(
        List.of(
            "start",
            "--data",
            dataDir.toString(),
            "--domain",
            DOMAIN,
            "--c2s-port",
            Integer.toString(port),
            "--tls-port",
            "0",
            "--set",
            "c2s.bind-address=\"127.0.0.1\""));
    if (!settings.containsKey("http.port")) {
      cmd.addAll(List.of("--http-port", "0"));
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      cmd.add("--set");
      cmd.add(e.getKey() + "=" + e.getValue());
    }
    CountDownLatch started = new CountDownLatch(1);
    Deque<String> tail = new ArrayDeque<>();
    try {
      Files.createDirectories(log.getParent());
      PrintWriter out =
          new PrintWriter(
              Files.newBufferedWriter(
                  log,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND),
              true);
      out.println("=== " + LocalTime.now() + " start #" + starts + ": " + String.join(" ", cmd));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.redirectInput(ProcessBuilder.Redirect.PIPE);
      process = pb.start();
      Process p = process;
      Thread pump =
          new Thread(
              () -> pumpOutput(p.getInputStream(), out, started, tail), "server-output-" + starts);
      pump.setDaemon(true);
      pump.start();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!started.await(100, TimeUnit.MILLISECONDS)) {
        if (!p.isAlive()) {
          pump.join(2000);
          throw new IllegalStateException(
              "server exited with " + p.exitValue() + " before starting: " + lastLines(tail));
        }
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException(
              "server did not start in " + START_TIMEOUT + ": " + lastLines(tail));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroyQuietly();
      throw new IllegalStateException("interrupted while starting the server", e);
    }
  }

  private static String lastLines(Deque<String> tail) {
    synchronized (tail) {
      return String.join(" | ", tail);
    }
  }

  private static void pumpOutput(
      InputStream in, PrintWriter out, CountDownLatch started, Deque<String> tail) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.println(line);
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 20) {
            tail.removeFirst();
          }
        }
        if (line.startsWith("Switchboard ") && line.contains(" started in ")) {
          started.countDown();
        }
      }
    } catch (IOException e) {
      // the child died; its exit status tells why
    } finally {
      out.flush();
      out.close();
    }
  }

  /**
   * Stops the child with SIGTERM, as an operator would, and waits for it to exit; returns its exit
   * status.
   */
  public int terminate(Duration within) {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null) {
      return -1;
    }
    p.destroy();
    try {
      if (!p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("the server did not stop within " + within);
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** True while the child runs. */
  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * Kills the child with SIGKILL and waits for it to be gone.
   *
   * @throws IllegalStateException if the child had already exited, or did not die of SIGKILL
   */
  public synchronized void kill() {
    if (process == null) {
      throw new IllegalStateException("not started");
    }
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "server had exited on its own with status " + process.exitValue() + "; see " + log);
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("server survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    int status = process.exitValue();
    if (status != SIGKILL_STATUS) {
      throw new IllegalStateException("server exited with " + status + ", not by SIGKILL");
    }
  }

  /** Starts the child again on the same data directory and port. */
  public void restart() {
    start();
  }

  /** What {@code GET /admin/cluster} on a node's HTTP port answers (the cluster as it sees it). */
  public static String clusterJson(int httpPort) throws IOException, InterruptedException {
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      return http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + httpPort + "/admin/cluster"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  /**
   * Members with status Up as the node on {@code httpPort} sees them, or -1 if it does not answer.
   */
  public static int upMembers(int httpPort) {
    try {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"status\":\"Up\"").matcher(clusterJson(httpPort));
      int n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Trusts exactly the certificate the server generated in its data directory. */
  public X509TrustManager trustManager() {
    try (InputStream in = Files.newInputStream(dataDir.resolve("tls").resolve(DOMAIN + ".crt"))) {
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

  private synchronized void destroyQuietly() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Kills the child if it still runs. */
  @Override
  public void close() {
    destroyQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
  }
}
