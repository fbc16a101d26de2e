package dev.switchboard.server.cli;

import dev.switchboard.server.account.AccountStore;
import dev.switchboard.server.account.JdbcAccountStore;
import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.StoreException;
import dev.switchboard.xmpp.Jid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard account ...}: account administration. Opens the database directly, so it works
 * with the server stopped, and with SQLite's WAL also while it runs.
 */
@Command(
    name = "account",
    description = "Manage accounts",
    subcommands = {
      AccountCommand.Add.class,
      AccountCommand.Passwd.class,
      AccountCommand.Remove.class,
      AccountCommand.ListAccounts.class,
      AccountCommand.Import.class
    })
public final class AccountCommand {
  /** What every subcommand shares: configuration, output and an open store. */
  abstract static class Base implements Callable<Integer> {
    @Mixin ConfigOptions config;
    @Spec CommandSpec spec;

    @Override
    public final Integer call() {
      ServerConfig cfg = config.load();
      check(cfg);
      try (Database db = open(cfg)) {
        run(cfg, new JdbcAccountStore(db));
      } catch (StoreException e) {
        // a locked or unreachable database is the operator's to fix, not a bug
        throw new UserError("database error: " + e.getMessage());
      }
      return 0;
    }

    /** Checks the arguments before the database is touched. */
    void check(ServerConfig cfg) {}

    abstract void run(ServerConfig cfg, AccountStore store);

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    private static Database open(ServerConfig cfg) {
      try {
        return Database.open(cfg);
      } catch (StoreException e) {
        throw new UserError(e.getMessage());
      }
    }
  }

  /** A subcommand that works on one account named by its JID. */
  abstract static class OnAccount extends Base {
    @Parameters(paramLabel = "JID", description = "The account's bare JID, e.g. alice@localhost")
    String jid;

    Jid account;

    @Override
    void check(ServerConfig cfg) {
      account = AccountJids.parse(jid);
    }

    static void requireExisting(AccountStore store, Jid account) {
      if (!store.exists(account)) {
        throw new UserError("no such account " + account);
      }
    }
  }

  /** A subcommand that sets a password. */
  abstract static class WithPassword extends OnAccount {
    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of standard input")
    boolean passwordStdin;

    StoredCredentials credentials(ServerConfig cfg) {
      String password = passwordStdin ? PasswordInput.fromStdin() : PasswordInput.fromConsole();
      try {
        return Passwords.derive(password, cfg.auth().scramIterations());
      } catch (IllegalArgumentException e) {
        throw new UserError("unusable password: " + e.getMessage());
      }
    }
  }

  @Command(name = "add", description = "Create an account")
  static final class Add extends WithPassword {
    @Override
    void check(ServerConfig cfg) {
      super.check(cfg);
      // stored as given, for a domain the server may serve later
      if (!cfg.hostedDomains().contains(account.domainPart())) {
        err()
            .println(
                "switchboard: warning: "
                    + account.domainPart()
                    + " is not a hosted domain; the server serves only "
                    + String.join(", ", cfg.hostedDomains()));
      }
    }

    @Override
    void run(ServerConfig cfg, AccountStore store) {
      if (store.exists(account)) {
        throw new UserError("account " + account + " already exists");
      }
      if (!store.create(account, credentials(cfg))) {
        throw new UserError("account " + account + " already exists");
      }
      out().println("created " + account);
    }
  }

  @Command(name = "passwd", description = "Set an account's password")
  static final class Passwd extends WithPassword {
    @Override
    void run(ServerConfig cfg, AccountStore store) {
      requireExisting(store, account);
      if (!store.updateCredentials(account, credentials(cfg))) {
        throw new UserError("no such account " + account);
      }
      out().println("changed the password of " + account);
    }
  }

  @Command(name = "remove", description = "Remove an account and everything stored for it")
  static final class Remove extends OnAccount {
    @Override
    void run(ServerConfig cfg, AccountStore store) {
      if (!store.remove(account)) {
        throw new UserError("no such account " + account);
      }
      out().println("removed " + account);
    }
  }

  @Command(name = "list", description = "List the accounts of every hosted domain")
  static final class ListAccounts extends Base {
    @Override
    void run(ServerConfig cfg, AccountStore store) {
      for (String domain : cfg.hostedDomains()) {
        store.list(domain).forEach(out()::println);
      }
    }
  }

  @Command(
      name = "import",
      description = {
        "Create accounts from a file with one 'JID PASSWORD' line each",
        "Blank lines and lines starting with # are skipped; the password is the rest of the"
            + " line. Lines that cannot be used are reported on stderr with their numbers;"
            + " accounts that exist already are left as they are."
      })
  static final class Import extends Base {
    @Parameters(paramLabel = "FILE", description = "The accounts file; - for standard input")
    String file;

    @Option(
        names = "--batch",
        paramLabel = "N",
        defaultValue = "5000",
        description = "Accounts stored per transaction (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
        names = "--threads",
        paramLabel = "N",
        description = "Threads deriving SCRAM keys (default: one per core)")
    Integer threads;

    @Override
    void check(ServerConfig cfg) {
      if (batch < 1) {
        throw new UserError("--batch must be at least 1");
      }
      if (threads != null && threads < 1) {
        throw new UserError("--threads must be at least 1");
      }
      if (!file.equals("-") && !Files.isReadable(Path.of(file))) {
        throw new UserError("cannot read " + file);
      }
    }

    @Override
    void run(ServerConfig cfg, AccountStore store) {
      int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
      AccountImporter importer =
          new AccountImporter(
              store, cfg.hostedDomains(), cfg.auth().scramIterations(), batch, n, err());
      long t0 = System.nanoTime();
      AccountImporter.Result r;
      try (BufferedReader in = open()) {
        r = importer.run(in);
      } catch (NoSuchFileException e) {
        throw new UserError("cannot read " + file);
      } catch (IOException e) {
        throw new UserError("cannot read " + file + ": " + e.getMessage());
      }
      err().flush();
      out().println(r.summary((System.nanoTime() - t0) / 1e9));
    }

    private BufferedReader open() throws IOException {
      if (file.equals("-")) {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      }
      return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }
  }
}
