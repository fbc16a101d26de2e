package dev.switchboard.bench;

import dev.switchboard.bench.load.GenAccountsCommand;
import dev.switchboard.bench.load.LoadCommand;
import dev.switchboard.bench.load.TableCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bench/run}: the load generator and its helpers. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    scope = CommandLine.ScopeType.INHERIT,
    description = "Switchboard benchmarks: load generator, accounts, comparison tables",
    subcommands = {
      LoadCommand.class,
      GenAccountsCommand.class,
      TableCommand.class,
      JmhCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BenchMain {
  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new BenchMain());
    System.exit(cl.execute(args));
  }
}
