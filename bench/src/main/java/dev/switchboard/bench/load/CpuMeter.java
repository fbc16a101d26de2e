package dev.switchboard.bench.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CPU used by the generator and by the server between two points in time. */
final class CpuMeter {
  private final List<Long> serverPids;
  private final long t0 = System.nanoTime();
  private final double gen0 = ProcStats.selfCpuSeconds();
  private final double srv0;
  private final long stall0 = cpuStallMicros();

  CpuMeter(List<Long> serverPids) {
    this.serverPids = serverPids;
    this.srv0 = ProcStats.cpuSeconds(serverPids);
  }

  /**
   * {@code <prefix>_generator_cpu_s}, {@code ..._generator_cores} (CPU seconds per second of wall
   * time: 1.0 is one core busy) and the same for the server when its PID is known.
   */
  Map<String, Object> since(String prefix) {
    double wall = (System.nanoTime() - t0) / 1e9;
    double gen = ProcStats.selfCpuSeconds() - gen0;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(prefix + "_generator_cpu_s", gen);
    m.put(prefix + "_generator_cores", wall > 0 ? gen / wall : null);
    if (!serverPids.isEmpty() && srv0 >= 0) {
      double srv = ProcStats.cpuSeconds(serverPids) - srv0;
      m.put(prefix + "_server_cpu_s", srv);
      m.put(prefix + "_server_cores", wall > 0 ? srv / wall : null);
    }
    long stall = cpuStallMicros();
    if (stall >= 0 && stall0 >= 0 && wall > 0) {
      // share of the time some runnable task waited for a CPU: the machine was contended
      m.put(prefix + "_cpu_pressure_pct", (stall - stall0) / 1e4 / wall);
    }
    return m;
  }

  /** The "some" total of /proc/pressure/cpu (microseconds), or -1 without PSI. */
  private static long cpuStallMicros() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/pressure/cpu"))) {
        if (line.startsWith("some ")) {
          return Long.parseLong(line.substring(line.indexOf("total=") + 6).trim());
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
