package dev.switchboard.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.server.auth.Passwords;
import dev.switchboard.server.auth.StoredCredentials;
import dev.switchboard.server.store.Database;
import dev.switchboard.server.store.Dialect;
import dev.switchboard.server.store.StoreException;
import dev.switchboard.xmpp.Jid;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AccountStore} backend must do; one subclass per database. */
abstract class AccountStoreContract {
  private static StoredCredentials one;
  private static StoredCredentials two;

  private Database db;
  private AccountStore store;

  /** A freshly migrated, empty database. */
  protected abstract Database openDatabase() throws Exception;

  /** Called after the database is closed. */
  protected void cleanUp() throws Exception {}

  @BeforeAll
  static void deriveCredentials() {
    one = Passwords.derive("correct horse", 4096);
    two = Passwords.derive("battery staple", 4096);
  }

  @BeforeEach
  void openStore() throws Exception {
    db = openDatabase();
    store = new JdbcAccountStore(db);
  }

  @AfterEach
  void closeStore() throws Exception {
    if (db != null) {
      db.close();
    }
    cleanUp();
  }

  private static Jid jid(String s) {
    return Jid.parse(s);
  }

  @Test
  void createsAndReadsBackCredentials() {
    assertThat(store.exists(jid("alice@example.org"))).isFalse();
    assertThat(store.create(jid("alice@example.org"), one)).isTrue();
    assertThat(store.exists(jid("alice@example.org"))).isTrue();
    assertThat(store.credentials(jid("alice@example.org"))).contains(one);
    assertThat(Passwords.verify("correct horse", store.credentials(jid("alice@example.org")).get()))
        .isTrue();
  }

  @Test
  void createDoesNotOverwrite() {
    assertThat(store.create(jid("alice@example.org"), one)).isTrue();
    assertThat(store.create(jid("alice@example.org"), two)).isFalse();
    assertThat(store.credentials(jid("alice@example.org"))).contains(one);
  }

  @Test
  void accountsAreKeyedByDomainAndLocalpart() {
    assertThat(store.create(jid("alice@example.org"), one)).isTrue();
    assertThat(store.create(jid("alice@example.net"), two)).isTrue();
    assertThat(store.credentials(jid("alice@example.net"))).contains(two);
    assertThat(store.credentials(jid("bob@example.org"))).isEmpty();
  }

  @Test
  void canonicalAndUnicodeNamesRoundTrip() {
    Jid jid = jid("Zoë.Ünïcode@Example.ORG");
    assertThat(store.create(jid, one)).isTrue();
    assertThat(store.exists(jid("zoë.ünïcode@example.org"))).isTrue();
    assertThat(store.list("example.org")).containsExactly(jid("zoë.ünïcode@example.org"));
  }

  @Test
  void updatesCredentialsOfExistingAccountsOnly() {
    store.create(jid("alice@example.org"), one);
    assertThat(store.updateCredentials(jid("alice@example.org"), two)).isTrue();
    assertThat(store.credentials(jid("alice@example.org"))).contains(two);
    assertThat(store.updateCredentials(jid("bob@example.org"), two)).isFalse();
    assertThat(store.exists(jid("bob@example.org"))).isFalse();
  }

  @Test
  void removesAccounts() {
    store.create(jid("alice@example.org"), one);
    assertThat(store.remove(jid("alice@example.org"))).isTrue();
    assertThat(store.exists(jid("alice@example.org"))).isFalse();
    assertThat(store.credentials(jid("alice@example.org"))).isEmpty();
    assertThat(store.remove(jid("alice@example.org"))).isFalse();
  }

  @Test
  void listsAndCountsOneDomainSorted() {
    for (String u : List.of("mallory", "alice", "carol", "bob")) {
      store.create(Jid.bare(u, "example.org"), one);
    }
    store.create(jid("eve@example.net"), one);
    assertThat(store.list("example.org"))
        .containsExactly(
            jid("alice@example.org"),
            jid("bob@example.org"),
            jid("carol@example.org"),
            jid("mallory@example.org"));
    assertThat(store.count("example.org")).isEqualTo(4);
    assertThat(store.count("Example.NET")).isEqualTo(1);
    assertThat(store.list("example.com")).isEmpty();
    assertThat(store.count("example.com")).isZero();
  }

  @Test
  void createAllSkipsExistingAndRepeatedAccounts() {
    store.create(jid("alice@example.org"), one);
    int created =
        store.createAll(
            List.of(
                Map.entry(jid("alice@example.org"), two),
                Map.entry(jid("bob@example.org"), two),
                Map.entry(jid("carol@example.org"), two),
                Map.entry(jid("bob@example.org"), one)));
    assertThat(created).isEqualTo(2);
    assertThat(store.credentials(jid("alice@example.org"))).contains(one);
    assertThat(store.credentials(jid("bob@example.org"))).contains(two);
    assertThat(store.count("example.org")).isEqualTo(3);
    assertThat(store.createAll(List.of())).isZero();
  }

  @Test
  void createAllHandlesLargeBatches() {
    List<Map.Entry<Jid, StoredCredentials>> batch =
        IntStream.range(0, 1234)
            .mapToObj(i -> Map.entry(Jid.bare("user" + i, "example.org"), one))
            .toList();
    assertThat(store.createAll(batch)).isEqualTo(1234);
    assertThat(store.count("example.org")).isEqualTo(1234);
    assertThat(store.createAll(batch)).isZero();
  }

  @Test
  void createAllIsOneTransaction() {
    // a trigger refuses "bob", the second of the batch: "alice" must not stay behind
    db.withConnection(
        c -> {
          try (Statement s = c.createStatement()) {
            for (String sql : vetoTrigger(db.dialect())) {
              s.execute(sql);
            }
          }
          return null;
        });
    assertThatThrownBy(
            () ->
                store.createAll(
                    List.of(
                        Map.entry(jid("alice@example.org"), one),
                        Map.entry(jid("bob@example.org"), one))))
        .isInstanceOf(StoreException.class);
    assertThat(store.count("example.org")).isZero();
  }

  private static List<String> vetoTrigger(Dialect dialect) {
    return switch (dialect) {
      case SQLITE ->
          List.of(
              "CREATE TRIGGER veto BEFORE INSERT ON accounts WHEN NEW.username = 'bob'"
                  + " BEGIN SELECT RAISE(ABORT, 'veto'); END");
      case POSTGRES ->
          List.of(
              "CREATE FUNCTION veto() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                  + " IF NEW.username = 'bob' THEN RAISE EXCEPTION 'veto'; END IF;"
                  + " RETURN NEW; END $$",
              "CREATE TRIGGER veto BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION veto()");
    };
  }

  @Test
  void removingAnAccountCascadesToReferencingTables() {
    store.create(jid("alice@example.org"), one);
    store.create(jid("bob@example.org"), one);
    db.withConnection(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute(
                "CREATE TABLE notes (domain TEXT NOT NULL, username TEXT NOT NULL, body TEXT,"
                    + " FOREIGN KEY (domain, username) REFERENCES accounts (domain, username)"
                    + " ON DELETE CASCADE)");
            s.execute("INSERT INTO notes VALUES ('example.org', 'alice', 'a')");
            s.execute("INSERT INTO notes VALUES ('example.org', 'bob', 'b')");
          }
          return null;
        });
    store.remove(jid("alice@example.org"));
    List<String> left =
        db.withConnection(
            c -> {
              try (PreparedStatement ps = c.prepareStatement("SELECT username FROM notes");
                  ResultSet rs = ps.executeQuery()) {
                List<String> names = new ArrayList<>();
                while (rs.next()) {
                  names.add(rs.getString(1));
                }
                return names;
              }
            });
    assertThat(left).containsExactly("bob");
  }

  @Test
  void refusesJidsThatAreNotAccounts() {
    for (Jid bad : List.of(jid("example.org"), jid("alice@example.org/phone"))) {
      assertThatThrownBy(() -> store.create(bad, one)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.exists(bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.createAll(List.of(Map.entry(bad, one))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
