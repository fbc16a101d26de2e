package dev.switchboard.server.auth;

/** A server-side SASL mechanism. */
public interface SaslMechanism {
  String name();

  SaslExchange start(String domain, CredentialLookup lookup);
}
