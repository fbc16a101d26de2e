package dev.switchboard.bench.load;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.switchboard.server.auth.ScramCredential;
import dev.switchboard.server.auth.ScramHash;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench gen-accounts}: the benchmark accounts, {@code <prefix><n>@<domain> <password>} per
 * line, as {@code switchboard account import} reads them; or, with {@code --format prosody}, one
 * Prosody account file each (mod_auth_internal_hashed: SCRAM-SHA-1 keys), written straight into a
 * Prosody data directory because {@code prosodyctl register} starts a process per account.
 */
@Command(
    name = "gen-accounts",
    description = "Print benchmark accounts as 'JID PASSWORD' lines (or write Prosody's files)")
public final class GenAccountsCommand implements Callable<Integer> {
  @Option(names = "--users", required = true, description = "How many accounts")
  int users;

  @Option(names = "--first", defaultValue = "1", description = "Number of the first account")
  int first;

  @Option(names = "--prefix", defaultValue = "u", description = "Localpart prefix")
  String prefix;

  @Option(names = "--password", defaultValue = "pw", description = "Password of every account")
  String password;

  @Option(names = "--domain", defaultValue = "localhost", description = "XMPP domain")
  String domain;

  @Option(
      names = "--format",
      defaultValue = "lines",
      description = "lines (stdout) or prosody (files under --out)")
  String format;

  @Option(names = "--out", description = "Prosody data directory (data_path) for --format prosody")
  File out;

  @Option(
      names = "--iterations",
      defaultValue = "4096",
      description = "PBKDF2 iterations of the Prosody keys")
  int iterations;

  @Override
  public Integer call() throws IOException {
    switch (format) {
      case "lines" -> lines();
      case "prosody" -> prosody();
      default -> throw new IllegalArgumentException("unknown --format " + format);
    }
    return 0;
  }

  private void lines() {
    PrintWriter w =
        new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, UTF_8), 1 << 16));
    for (int i = 0; i < users; i++) {
      w.append(prefix).append(Integer.toString(first + i)).append('@').append(domain);
      w.append(' ').append(password).append('\n');
    }
    w.flush();
  }

  private void prosody() throws IOException {
    if (out == null) {
      throw new IllegalArgumentException("--format prosody needs --out DIR");
    }
    // Prosody's datamanager escapes every non-alphanumeric byte of host and user names as %xx
    Path dir = out.toPath().resolve(encode(domain)).resolve("accounts");
    Files.createDirectories(dir);
    HexFormat hex = HexFormat.of();
    IntStream.range(0, users)
        .parallel()
        .forEach(
            i -> {
              String salt = UUID.randomUUID().toString();
              ScramCredential c =
                  ScramCredential.derive(
                      ScramHash.SHA_1, password, salt.getBytes(UTF_8), iterations);
              String text =
                  "return {\n"
                      + "\t[\"iteration_count\"] = "
                      + iterations
                      + ";\n\t[\"salt\"] = \""
                      + salt
                      + "\";\n\t[\"server_key\"] = \""
                      + hex.formatHex(c.serverKey())
                      + "\";\n\t[\"stored_key\"] = \""
                      + hex.formatHex(c.storedKey())
                      + "\";\n};\n";
              try {
                Files.writeString(dir.resolve(encode(prefix + (first + i)) + ".dat"), text, UTF_8);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    System.err.println("wrote " + users + " Prosody accounts to " + dir);
  }

  private static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(UTF_8)) {
      if (b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z') {
        sb.append((char) b);
      } else {
        sb.append(String.format("%%%02x", b & 0xff));
      }
    }
    return sb.toString();
  }
}
