package dev.switchboard.server.session;

import dev.switchboard.server.auth.SaslExchange;
import dev.switchboard.server.auth.SaslFailure;
import dev.switchboard.server.auth.SaslMechanism;
import dev.switchboard.server.auth.SaslStep;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One stream's SASL exchanges (RFC 6120 6): the mechanism's exchange for the stream's domain, one
 * step at a time. A step that cannot be computed (the store is down) becomes {@code
 * temporary-auth-failure} rather than a crash.
 */
final class SaslNegotiation {
  private final SessionServices services;
  private SaslExchange exchange;
  private long started;

  SaslNegotiation(SessionServices services) {
    this.services = services;
  }

  /**
   * Starts an exchange with {@code mechanism} (offered, so known) for an account of {@code domain}.
   */
  CompletionStage<SaslStep> start(String mechanism, String domain, byte[] initialResponse) {
    started = services.metrics().startLogin();
    SaslMechanism m = services.mechanisms().get(mechanism);
    exchange = m.start(domain, services.credentials().apply(domain));
    return step(initialResponse);
  }

  /** The client's next response. */
  CompletionStage<SaslStep> step(byte[] response) {
    CompletionStage<SaslStep> step;
    try {
      step = exchange.step(response);
    } catch (RuntimeException e) {
      step = CompletableFuture.failedFuture(e);
    }
    return step.exceptionally(
        e ->
            new SaslStep.Failure(SaslFailure.TEMPORARY_AUTH_FAILURE, "authentication unavailable"));
  }

  /** A step finished (on the session's thread): counts failures. */
  void stepped(SaslStep step) {
    if (step instanceof SaslStep.Failure) {
      services.metrics().loginFailed();
    }
  }

  /** The exchange succeeded; the stream restarts. */
  void succeeded() {
    exchange = null;
    services.metrics().loginSucceeded();
    services.metrics().loginFinished(started);
  }
}
