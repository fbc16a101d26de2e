package dev.switchboard.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory and CPU of a process read from {@code /proc}: the server under test (by PID) and this
 * generator itself, so that a saturated generator is never mistaken for a saturated server.
 */
final class ProcStats {
  /** Linux reports utime and stime in clock ticks; USER_HZ is 100 on every common build. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcStats() {}

  /** Resident set size in KiB ({@code VmRSS}), or -1 when unknown. */
  static long rssKib(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Summed resident set size of several processes (a cluster on one box), or -1 if unknown. */
  static long rssKib(java.util.List<Long> pids) {
    if (pids.isEmpty()) {
      return -1;
    }
    long sum = 0;
    for (long pid : pids) {
      long r = rssKib(pid);
      if (r < 0) {
        return -1;
      }
      sum += r;
    }
    return sum;
  }

  /** Summed CPU seconds of several processes, or -1 when any is unknown. */
  static double cpuSeconds(java.util.List<Long> pids) {
    if (pids.isEmpty()) {
      return -1;
    }
    double sum = 0;
    for (long pid : pids) {
      double c = cpuSeconds(pid);
      if (c < 0) {
        return -1;
      }
      sum += c;
    }
    return sum;
  }

  /** User plus system CPU seconds the process has used, or -1 when unknown. */
  static double cpuSeconds(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name may hold spaces and parentheses: fields start after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // after the name: state(0) ppid(1) ... utime is field 14 of the line, index 11 here
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU seconds used by this JVM so far. */
  static double selfCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return ProcessHandle.current()
        .info()
        .totalCpuDuration()
        .map(d -> d.toNanos() / 1e9)
        .orElse(-1.0);
  }

  /** Open file descriptors of this process. */
  static long selfOpenFiles() {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }
}
