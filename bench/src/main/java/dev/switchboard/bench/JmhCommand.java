package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code bench jmh [JMH options]}: runs the JMH microbenchmarks (JMH's own options apply). */
@Command(
    name = "jmh",
    description = "Run the JMH microbenchmarks; arguments go to JMH (e.g. -f 1 -wi 3 -i 5 Parser)")
final class JmhCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    org.openjdk.jmh.Main.main(args.toArray(String[]::new));
    return 0;
  }
}
