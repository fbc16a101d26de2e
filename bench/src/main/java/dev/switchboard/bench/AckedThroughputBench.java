package dev.switchboard.bench;

import dev.switchboard.server.Server;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Throughput of acknowledged messages: senders with XEP-0198 send batches of chat messages to
 * online receivers and wait for the server's {@code <a h/>}, which it gives only once a message is
 * durable (archived through group commit) or delivered. Compares group commit with one commit per
 * write and with no durable writes at all (archiving off).
 *
 * <p>Run: {@code java -cp ... dev.switchboard.bench.AckedThroughputBench [seconds] [senders]
 * [batch]}
 */
public final class AckedThroughputBench {
  private static final String SM = "urn:xmpp:sm:3";

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int senders = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    run(
        "group commit (max-batch 512), archive on",
        Map.of("database.max-batch", "512"),
        seconds,
        senders,
        batch);
    run(
        "commit per write (max-batch 1), archive on",
        Map.of("database.max-batch", "1"),
        seconds,
        senders,
        batch);
    run(
        "no durable writes (archive off, recipients online)",
        Map.of("modules.mam.default-mode", "never"),
        seconds,
        senders,
        batch);
  }

  private static void run(
      String name, Map<String, String> extra, int seconds, int senders, int batch)
      throws Exception {
    Path dir = Files.createTempDirectory("sb-acked");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> o = new LinkedHashMap<>();
    o.put("data-dir", "\"" + dir + "\"");
    o.put("c2s.bind-address", "\"127.0.0.1\"");
    o.put("c2s.port", Integer.toString(port));
    o.put("c2s.tls-port", "0");
    o.put("http.port", "0");
    o.put("c2s.require-tls", "false");
    o.putAll(extra);
    try (Server server = Server.start(ConfigLoader.load(null, o))) {
      for (int i = 0; i < senders; i++) {
        server.accounts().create(Jid.parse("s" + i + "@localhost"), Passwords.derive("pw", 4096));
        server.accounts().create(Jid.parse("r" + i + "@localhost"), Passwords.derive("pw", 4096));
      }
      List<MessagePathBench.Client> receivers = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < senders; i++) {
        MessagePathBench.Client r = MessagePathBench.Client.login(port, "r" + i);
        receivers.add(r);
        threads.add(
            Thread.ofPlatform()
                .daemon(true)
                .start(
                    () -> {
                      try {
                        while (!stop.get()) {
                          r.next();
                        }
                      } catch (Exception e) {
                        // closed at the end
                      }
                    }));
      }
      AtomicLong acked = new AtomicLong();
      Histogram batchAck = new Histogram(60_000_000_000L, 3);
      List<Thread> sending = new ArrayList<>();
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      long t0 = System.nanoTime();
      for (int i = 0; i < senders; i++) {
        MessagePathBench.Client s = MessagePathBench.Client.login(port, "s" + i);
        s.send("<enable xmlns='" + SM + "'/>");
        while (!s.next().name().equals("enabled")) {
          // skip until enabled
        }
        String to = "r" + i + "@localhost";
        sending.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      long sent = 0;
                      try {
                        while (System.nanoTime() < deadline) {
                          StringBuilder sb = new StringBuilder();
                          for (int k = 0; k < batch; k++) {
                            sb.append("<message type='chat' to='")
                                .append(to)
                                .append("'><body>hello ")
                                .append(sent + k)
                                .append("</body></message>");
                          }
                          sb.append("<r xmlns='" + SM + "'/>");
                          long b0 = System.nanoTime();
                          s.send(sb.toString());
                          sent += batch;
                          while (true) {
                            Element e = s.next();
                            if (e.is("a", SM) && Long.parseLong(e.attr("h")) >= sent) {
                              break;
                            }
                          }
                          synchronized (batchAck) {
                            batchAck.recordValue(System.nanoTime() - b0);
                          }
                          acked.addAndGet(batch);
                        }
                      } catch (Exception e) {
                        e.printStackTrace();
                      }
                    }));
      }
      for (Thread t : sending) {
        t.join();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      stop.set(true);
      for (MessagePathBench.Client r : receivers) {
        r.close();
      }
      System.out.printf(
          "%-52s %8.0f acked msg/s; batch of %d acked in p50 %.1f ms, p99 %.1f ms%n",
          name,
          acked.get() / secs,
          batch,
          batchAck.getValueAtPercentile(50) / 1e6,
          batchAck.getValueAtPercentile(99) / 1e6);
    }
  }
}
