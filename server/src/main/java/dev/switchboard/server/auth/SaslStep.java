package dev.switchboard.server.auth;

/** One step of a server-side SASL exchange. */
public sealed interface SaslStep {
  record Challenge(byte[] data) implements SaslStep {}

  record Success(String username, byte[] additionalData) implements SaslStep {}

  record Failure(SaslFailure condition, String text) implements SaslStep {}
}
