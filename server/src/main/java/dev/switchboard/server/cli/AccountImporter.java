package dev.switchboard.server.cli;

import dev.switchboard.server.account.AccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.xmpp.Jid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates accounts in bulk from {@code JID PASSWORD} lines, for {@code switchboard account import}.
 *
 * <p>Deriving the SCRAM keys (PBKDF2 for SHA-1 and for SHA-256, each {@code iterations} rounds) is
 * nearly all the work, so it runs on a pool of {@code threads} workers while this thread reads the
 * file, checks each line and stores finished batches: one batch is stored while the next one is
 * derived. Each batch is one transaction; accounts that already exist are skipped and counted.
 */
final class AccountImporter {
  /** Lines read between two progress lines on stderr. */
  static final int PROGRESS_EVERY = 100_000;

  private final AccountStore store;
  private final List<String> domains;
  private final int iterations;
  private final int batchSize;
  private final int threads;
  private final PrintWriter err;

  /** What an import did. */
  record Result(long created, long skipped, long rejected) {
    /** The summary line printed on stdout. */
    String summary(double elapsedSeconds) {
      double rate = elapsedSeconds > 0 ? (created + skipped) / elapsedSeconds : 0;
      return String.format(
          java.util.Locale.ROOT,
          "created %d, skipped %d existing, rejected %d in %.1f s (%.0f accounts/s)",
          created,
          skipped,
          rejected,
          elapsedSeconds,
          rate);
    }
  }

  /** One accepted line: where it was and what it holds. */
  private record Line(Jid jid, String password) {}

  AccountImporter(
      AccountStore store,
      List<String> domains,
      int iterations,
      int batchSize,
      int threads,
      PrintWriter err) {
    this.store = store;
    this.domains = List.copyOf(domains);
    this.iterations = iterations;
    this.batchSize = batchSize;
    this.threads = threads;
    this.err = err;
  }

  Result run(BufferedReader in) throws IOException {
    long created = 0;
    long skipped = 0;
    long rejected = 0;
    // line number of each JID seen, to name the first occurrence of a duplicate
    Map<Jid, Integer> seen = new HashMap<>();
    Set<String> warnedDomains = new HashSet<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> daemon(r));
    try {
      List<Line> batch = new ArrayList<>(batchSize);
      List<Future<Map.Entry<Jid, StoredCredentials>>> deriving = null;
      String text;
      int number = 0;
      while ((text = in.readLine()) != null) {
        number++;
        if (number % PROGRESS_EVERY == 0) {
          err.println("switchboard: read " + number + " lines");
          err.flush();
        }
        Line line;
        try {
          line = parse(text);
        } catch (UserError e) {
          err.println("switchboard: line " + number + ": " + e.getMessage());
          rejected++;
          continue;
        }
        if (line == null) {
          continue;
        }
        Integer first = seen.putIfAbsent(line.jid(), number);
        if (first != null) {
          err.println("switchboard: line " + number + ": " + line.jid() + " repeats line " + first);
          rejected++;
          continue;
        }
        if (!domains.contains(line.jid().domainPart())
            && warnedDomains.add(line.jid().domainPart())) {
          err.println(
              "switchboard: warning: "
                  + line.jid().domainPart()
                  + " is not a hosted domain; the server serves only "
                  + String.join(", ", domains));
        }
        batch.add(line);
        if (batch.size() == batchSize) {
          List<Future<Map.Entry<Jid, StoredCredentials>>> next = derive(pool, batch);
          batch = new ArrayList<>(batchSize);
          if (deriving != null) {
            int stored = store(deriving);
            created += stored;
            skipped += batchSize - stored;
          }
          deriving = next;
        }
      }
      List<Future<Map.Entry<Jid, StoredCredentials>>> last = derive(pool, batch);
      for (List<Future<Map.Entry<Jid, StoredCredentials>>> f : List.of(orEmpty(deriving), last)) {
        int stored = store(f);
        created += stored;
        skipped += f.size() - stored;
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(created, skipped, rejected);
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }

  /**
   * Reads one line: null for a blank line or a {@code #} comment, else the JID (up to the first
   * space or tab) and the password (the rest of the line, as given).
   */
  static Line parse(String text) {
    String t = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    String lead = t.stripLeading();
    if (lead.isEmpty() || lead.startsWith("#")) {
      return null;
    }
    int sep = 0;
    while (sep < lead.length() && lead.charAt(sep) != ' ' && lead.charAt(sep) != '\t') {
      sep++;
    }
    Jid jid = AccountJids.parse(lead.substring(0, sep));
    int pw = sep;
    while (pw < lead.length() && (lead.charAt(pw) == ' ' || lead.charAt(pw) == '\t')) {
      pw++;
    }
    String password = lead.substring(pw);
    if (password.isEmpty()) {
      throw new UserError("no password after " + jid);
    }
    try {
      Passwords.prepare(password);
    } catch (IllegalArgumentException e) {
      throw new UserError("unusable password for " + jid + ": " + e.getMessage());
    }
    return new Line(jid, password);
  }

  private List<Future<Map.Entry<Jid, StoredCredentials>>> derive(
      ExecutorService pool, List<Line> lines) {
    List<Future<Map.Entry<Jid, StoredCredentials>>> out = new ArrayList<>(lines.size());
    for (Line l : lines) {
      out.add(
          pool.submit(
              () ->
                  new AbstractMap.SimpleImmutableEntry<>(
                      l.jid(), Passwords.derive(l.password(), iterations))));
    }
    return out;
  }

  /** Waits for a batch's keys and stores it in one transaction; returns how many were created. */
  private int store(List<Future<Map.Entry<Jid, StoredCredentials>>> futures) {
    if (futures.isEmpty()) {
      return 0;
    }
    List<Map.Entry<Jid, StoredCredentials>> entries = new ArrayList<>(futures.size());
    for (Future<Map.Entry<Jid, StoredCredentials>> f : futures) {
      try {
        entries.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("interrupted");
      } catch (ExecutionException e) {
        // passwords were checked while reading, so this is a bug, not bad input
        throw new IllegalStateException(e.getCause());
      }
    }
    return store.createAll(entries);
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "account-import");
    t.setDaemon(true);
    return t;
  }
}
