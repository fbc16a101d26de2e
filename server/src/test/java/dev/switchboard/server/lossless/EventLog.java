package dev.switchboard.server.lossless;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What happened during a run, one timestamped line per event (chaos actions, reconnects,
 * catch-ups), in {@code events.log}; lines marked for the console also go to the given stream.
 */
public final class EventLog implements AutoCloseable {
  private final PrintWriter file;
  private final PrintStream console;
  private final long t0 = System.nanoTime();

  public EventLog(Path file, PrintStream console) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.file = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.console = console;
  }

  /** Seconds since the log was opened, e.g. {@code 12.345}. */
  public String elapsed() {
    Duration d = Duration.ofNanos(System.nanoTime() - t0);
    return String.format("%d.%03d", d.toSeconds(), d.toMillisPart());
  }

  /** An event for the file only. */
  public synchronized void log(String event) {
    file.println(elapsed() + " " + event);
  }

  /** An event for the file and the console. */
  public synchronized void say(String event) {
    String line = elapsed() + " " + event;
    file.println(line);
    console.println("[lossless " + line + "]");
    console.flush();
  }

  @Override
  public synchronized void close() {
    file.close();
  }
}
