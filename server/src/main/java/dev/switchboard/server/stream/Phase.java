package dev.switchboard.server.stream;

/** Where a c2s stream is in RFC 6120 negotiation. */
public enum Phase {
  /** Waiting for the client's stream header (at the start and after each restart). */
  AWAIT_HEADER,
  /** Features sent; waiting for STARTTLS, SASL or a pre-auth IQ. */
  NEGOTIATING,
  /** A SASL exchange is running. */
  AUTHENTICATING,
  /** Authenticated and restarted; waiting for resource binding. */
  AWAIT_BIND,
  /** A bind request is being processed. */
  BINDING,
  /** Resource bound: stanzas flow. */
  ESTABLISHED,
  /** Closed or failed; nothing more is processed. */
  CLOSED
}
