package dev.switchboard.server.cli;

import dev.switchboard.server.Server;
import dev.switchboard.server.config.ServerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
    ServerConfig config = options.load(o);
    Server server = Server.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Switchboard stopping");
                  server.close();
                  stopped.countDown();
                },
                "switchboard-shutdown"));
    stopped.await();
    return 0;
  }
}
