package dev.switchboard.server.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.server.account.JdbcAccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.server.config.ConfigLoader;
import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Jid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountCommandTest {
  @TempDir Path tmp;
  private Path data;

  private final InputStream realIn = System.in;
  private final PrintStream realOut = System.out;
  private final PrintStream realErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void captureStreams() {
    data = tmp.resolve("data");
    System.setOut(new PrintStream(out, true, UTF_8));
    System.setErr(new PrintStream(err, true, UTF_8));
  }

  @AfterEach
  void restoreStreams() {
    System.setIn(realIn);
    System.setOut(realOut);
    System.setErr(realErr);
  }

  /** Runs {@code switchboard account ARGS --data DIR} with {@code stdin}; returns the exit code. */
  private int account(String stdin, String... args) {
    System.setIn(new ByteArrayInputStream(stdin.getBytes(UTF_8)));
    out.reset();
    err.reset();
    List<String> all = new ArrayList<>(List.of("account"));
    all.addAll(List.of(args));
    all.addAll(List.of("--data", data.toString()));
    return Main.run(all.toArray(String[]::new));
  }

  private String out() {
    return out.toString(UTF_8);
  }

  private String err() {
    return err.toString(UTF_8);
  }

  private Optional<StoredCredentials> stored(String jid) {
    try (Database db =
        Database.open(
            ConfigLoader.load(null, Map.of("data-dir", ConfigOptions.quote(data.toString()))))) {
      return new JdbcAccountStore(db).credentials(Jid.parse(jid));
    }
  }

  @Test
  void addListChangePasswordRemove() {
    assertThat(account("secret\n", "add", "alice@localhost", "--password-stdin")).isZero();
    assertThat(out()).isEqualTo("created alice@localhost\n");
    assertThat(err()).isEmpty();
    assertThat(account("other\n", "add", "bob@localhost", "--password-stdin")).isZero();

    assertThat(account("", "list")).isZero();
    assertThat(out()).isEqualTo("alice@localhost\nbob@localhost\n");

    StoredCredentials before = stored("alice@localhost").orElseThrow();
    assertThat(Passwords.verify("secret", before)).isTrue();
    assertThat(before.sha256().iterations()).isEqualTo(4096);

    assertThat(account("changed\n", "passwd", "alice@localhost", "--password-stdin")).isZero();
    assertThat(out()).isEqualTo("changed the password of alice@localhost\n");
    StoredCredentials after = stored("alice@localhost").orElseThrow();
    assertThat(Passwords.verify("changed", after)).isTrue();
    assertThat(Passwords.verify("secret", after)).isFalse();

    assertThat(account("", "remove", "alice@localhost")).isZero();
    assertThat(out()).isEqualTo("removed alice@localhost\n");
    assertThat(stored("alice@localhost")).isEmpty();
    assertThat(account("", "list")).isZero();
    assertThat(out()).isEqualTo("bob@localhost\n");
  }

  @Test
  void listOfAnEmptyServerPrintsNothing() {
    assertThat(account("", "list")).isZero();
    assertThat(out()).isEmpty();
    assertThat(err()).isEmpty();
  }

  @Test
  void iterationsComeFromTheConfiguration() {
    assertThat(
            account(
                "pw\n",
                "add",
                "alice@localhost",
                "--password-stdin",
                "--set",
                "auth.scram-iterations=5000"))
        .isZero();
    assertThat(stored("alice@localhost").orElseThrow().sha1().iterations()).isEqualTo(5000);
  }

  @Test
  void readsOnlyTheFirstLineAndStripsItsEnding() {
    assertThat(account("pw with spaces\r\nsecond line\n", "add", "a@localhost", "--password-stdin"))
        .isZero();
    assertThat(Passwords.verify("pw with spaces", stored("a@localhost").orElseThrow())).isTrue();
    assertThat(account("no newline", "add", "b@localhost", "--password-stdin")).isZero();
    assertThat(Passwords.verify("no newline", stored("b@localhost").orElseThrow())).isTrue();
  }

  @Test
  void storesTheCanonicalJid() {
    assertThat(account("pw\n", "add", "Alice@LocalHost", "--password-stdin")).isZero();
    assertThat(out()).isEqualTo("created alice@localhost\n");
    assertThat(account("", "remove", "ALICE@localhost")).isZero();
    assertThat(out()).isEqualTo("removed alice@localhost\n");
  }

  @Test
  void anotherDomainIsStoredWithAWarning() {
    assertThat(account("pw\n", "add", "alice@example.org", "--password-stdin")).isZero();
    assertThat(out()).isEqualTo("created alice@example.org\n");
    assertThat(err())
        .isEqualTo(
            "switchboard: warning: example.org is not a hosted domain;"
                + " the server serves only localhost\n");
    assertThat(account("", "list")).isZero();
    assertThat(out()).isEmpty();
    assertThat(account("", "list", "--domain", "example.org")).isZero();
    assertThat(out()).isEqualTo("alice@example.org\n");
  }

  @Test
  void refusesInvalidJidsBeforeTouchingTheData() {
    assertThat(account("pw\n", "add", "alice@", "--password-stdin")).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: 'alice@' is not a valid JID: empty domainpart\n");
    assertThat(out()).isEmpty();

    assertThat(account("pw\n", "add", "alice@localhost/phone", "--password-stdin")).isEqualTo(1);
    assertThat(err())
        .isEqualTo(
            "switchboard: 'alice@localhost/phone' has a resource;"
                + " give the bare JID alice@localhost instead\n");

    assertThat(account("pw\n", "add", "localhost", "--password-stdin")).isEqualTo(1);
    assertThat(err())
        .isEqualTo(
            "switchboard: 'localhost' has no localpart; give a JID such as alice@localhost\n");

    assertThat(account("", "remove", "a b@localhost")).isEqualTo(1);
    assertThat(err()).startsWith("switchboard: 'a b@localhost' is not a valid JID: ");

    assertThat(Files.exists(data)).isFalse();
  }

  @Test
  void refusesToAddAnExistingAccount() {
    assertThat(account("first\n", "add", "alice@localhost", "--password-stdin")).isZero();
    assertThat(account("second\n", "add", "alice@localhost", "--password-stdin")).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: account alice@localhost already exists\n");
    assertThat(out()).isEmpty();
    assertThat(Passwords.verify("first", stored("alice@localhost").orElseThrow())).isTrue();
  }

  @Test
  void refusesToChangeOrRemoveAMissingAccount() {
    assertThat(account("pw\n", "passwd", "bob@localhost", "--password-stdin")).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: no such account bob@localhost\n");
    assertThat(account("", "remove", "bob@localhost")).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: no such account bob@localhost\n");
    assertThat(stored("bob@localhost")).isEmpty();
  }

  @Test
  void refusesEmptyOrUnusablePasswords() {
    assertThat(account("", "add", "alice@localhost", "--password-stdin")).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: empty password on standard input\n");
    assertThat(account("\n", "add", "alice@localhost", "--password-stdin")).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: empty password on standard input\n");
    assertThat(account("x".repeat(1025) + "\n", "add", "alice@localhost", "--password-stdin"))
        .isEqualTo(1);
    assertThat(err())
        .isEqualTo("switchboard: unusable password: password longer than 1024 bytes\n");
    assertThat(account("\n", "passwd", "alice@localhost", "--password-stdin")).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: no such account alice@localhost\n");
    assertThat(stored("alice@localhost")).isEmpty();
  }

  @Test
  void withoutStdinOrConsoleThereIsNoPassword() {
    assumeTrue(System.console() == null, "a console is attached");
    assertThat(account("pw\n", "add", "alice@localhost")).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: no password given: use --password-stdin\n");
    assertThat(stored("alice@localhost")).isEmpty();
  }

  @Test
  void anUnreachableDatabaseIsOneLine() {
    int code =
        account(
            "",
            "list",
            "--set",
            "database.url=\"jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2\"");
    assertThat(code).isEqualTo(1);
    assertThat(err()).startsWith("switchboard: cannot open the database: ").hasLineCount(1);
  }

  @Test
  void importCreatesGoodLinesAndReportsTheRest() throws Exception {
    assertThat(account("old\n", "add", "carol@localhost", "--password-stdin")).isZero();
    Path file = tmp.resolve("accounts.txt");
    Files.writeString(
        file,
        String.join(
            "\n",
            "# benchmark accounts",
            "alice@localhost secret",
            "",
            "bob@localhost   two words\r",
            "a<b@localhost pw",
            "carol@localhost new",
            "alice@localhost again",
            "dave@localhost",
            "eve@localhost/phone pw",
            "Frank@LocalHost\tpw",
            "  # indented comment",
            ""),
        UTF_8);
    assertThat(account("", "import", file.toString(), "--batch", "2")).isZero();
    assertThat(out())
        .matches("created 3, skipped 1 existing, rejected 4 in .* s \\(.* accounts/s\\)\n");
    assertThat(err().lines())
        .containsExactly(
            "switchboard: line 5: 'a<b@localhost' is not a valid JID: localpart contains a"
                + " forbidden character",
            "switchboard: line 7: alice@localhost repeats line 2",
            "switchboard: line 8: no password after dave@localhost",
            "switchboard: line 9: 'eve@localhost/phone' has a resource;"
                + " give the bare JID eve@localhost instead");
    assertThat(Passwords.verify("secret", stored("alice@localhost").orElseThrow())).isTrue();
    assertThat(Passwords.verify("two words", stored("bob@localhost").orElseThrow())).isTrue();
    assertThat(Passwords.verify("pw", stored("frank@localhost").orElseThrow())).isTrue();
    // an existing account keeps its password
    assertThat(Passwords.verify("old", stored("carol@localhost").orElseThrow())).isTrue();

    // a second import of the same file creates nothing
    assertThat(account("", "import", file.toString())).isZero();
    assertThat(out()).startsWith("created 0, skipped 4 existing, rejected 4 in ");
  }

  @Test
  void importReadsStandardInputAndRefusesAMissingFile() {
    assertThat(account("a@localhost pw\nb@localhost pw\n", "import", "-")).isZero();
    assertThat(out()).startsWith("created 2, skipped 0 existing, rejected 0 in ");
    assertThat(account("", "list")).isZero();
    assertThat(out()).isEqualTo("a@localhost\nb@localhost\n");

    assertThat(account("", "import", tmp.resolve("missing.txt").toString())).isEqualTo(1);
    assertThat(err()).isEqualTo("switchboard: cannot read " + tmp.resolve("missing.txt") + "\n");
  }

  @Test
  void accountAloneAsksForASubcommand() {
    assertThat(Main.run("account")).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("Missing required subcommand").contains("add");
  }
}
