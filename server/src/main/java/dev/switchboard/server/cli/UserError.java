package dev.switchboard.server.cli;

/** A problem caused by the command's input, reported as one line naming it. */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }
}
