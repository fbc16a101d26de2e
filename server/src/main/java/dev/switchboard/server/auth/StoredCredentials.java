package dev.switchboard.server.auth;

import java.util.Objects;

/** An account's SCRAM credentials for every hash the server offers. */
public record StoredCredentials(ScramCredential sha1, ScramCredential sha256) {
  public StoredCredentials {
    Objects.requireNonNull(sha1, "sha1");
    Objects.requireNonNull(sha256, "sha256");
  }

  public ScramCredential forHash(ScramHash hash) {
    return switch (hash) {
      case SHA_1 -> sha1;
      case SHA_256 -> sha256;
    };
  }
}
