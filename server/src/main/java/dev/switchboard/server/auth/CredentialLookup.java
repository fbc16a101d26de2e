package dev.switchboard.server.auth;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Finds an account's stored credentials by localpart. */
public interface CredentialLookup {
  CompletionStage<Optional<StoredCredentials>> find(String username);
}
