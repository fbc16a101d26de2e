package dev.switchboard.server.cli;

import dev.switchboard.server.config.ConfigError;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the failures a user can cause (bad configuration, a port in use, a bad argument) into one
 * line on stderr and exit code 1; anything else is a bug and keeps its stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
    if (e instanceof ConfigError || e instanceof UserError) {
      cl.getErr().println("switchboard: " + e.getMessage());
      return 1;
    }
    cl.getErr().println("switchboard: internal error: " + e);
    e.printStackTrace(cl.getErr());
    return 2;
  }
}
