package dev.switchboard.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Where {@code account add} and {@code account passwd} get a password from. */
final class PasswordInput {
  private PasswordInput() {}

  /**
   * The first line of standard input without its line ending. Reads byte by byte so that nothing
   * after the line is consumed.
   */
  static String fromStdin() {
    InputStream in = System.in;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        line.write(b);
      }
    } catch (IOException e) {
      throw new UserError("cannot read the password from standard input: " + e.getMessage());
    }
    String password = line.toString(StandardCharsets.UTF_8);
    if (password.endsWith("\r")) {
      password = password.substring(0, password.length() - 1);
    }
    if (password.isEmpty()) {
      throw new UserError("empty password on standard input");
    }
    return password;
  }

  /** Asks twice on the terminal, without echo. */
  static String fromConsole() {
    Console console = System.console();
    if (console == null) {
      throw new UserError("no password given: use --password-stdin");
    }
    char[] first = console.readPassword("Password: ");
    char[] second = first == null ? null : console.readPassword("Repeat password: ");
    try {
      if (first == null || second == null || first.length == 0) {
        throw new UserError("no password given");
      }
      if (!Arrays.equals(first, second)) {
        throw new UserError("the passwords do not match");
      }
      return new String(first);
    } finally {
      Arrays.fill(first == null ? new char[0] : first, ' ');
      Arrays.fill(second == null ? new char[0] : second, ' ');
    }
  }
}
