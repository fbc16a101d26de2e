package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Helpers for driving exchanges in tests. */
final class SaslTesting {
  private SaslTesting() {}

  static SaslStep step(SaslExchange exchange, byte[] data) throws Exception {
    return exchange.step(data).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static SaslStep step(SaslExchange exchange, String data) throws Exception {
    return step(exchange, data == null ? null : data.getBytes(UTF_8));
  }

  static String challenge(SaslStep step) {
    if (!(step instanceof SaslStep.Challenge c)) {
      throw new AssertionError("expected a challenge, got " + step);
    }
    return new String(c.data(), UTF_8);
  }

  /**
   * A lookup over fixed accounts that answers from another thread and records what it was asked.
   */
  static final class MapLookup implements CredentialLookup {
    final List<String> asked = new CopyOnWriteArrayList<>();
    private final Map<String, StoredCredentials> accounts;

    MapLookup(Map<String, StoredCredentials> accounts) {
      this.accounts = accounts;
    }

    @Override
    public CompletableFuture<Optional<StoredCredentials>> find(String username) {
      asked.add(username);
      return CompletableFuture.supplyAsync(() -> Optional.ofNullable(accounts.get(username)));
    }
  }
}
