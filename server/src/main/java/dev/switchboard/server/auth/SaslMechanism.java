package dev.switchboard.server.auth;

/** A server-side SASL mechanism (RFC 4422); one instance serves every connection. */
public interface SaslMechanism {
  /** The name offered in {@code <mechanisms/>}, such as "SCRAM-SHA-256". */
  String name();

  /** Starts one authentication exchange for an account of {@code domain}. */
  SaslExchange start(String domain, CredentialLookup lookup);
}
