package dev.switchboard.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code switchboard start}: runs the server in the foreground. */
@Command(name = "start", description = "Start the server in the foreground")
public final class StartCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
