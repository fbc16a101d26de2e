package dev.switchboard.server.auth;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Finds an account's credentials by canonical username (the localpart) in the domain the exchange
 * was started for. Asynchronous because it usually reads the database.
 */
@FunctionalInterface
public interface CredentialLookup {
  CompletionStage<Optional<StoredCredentials>> find(String username);
}
