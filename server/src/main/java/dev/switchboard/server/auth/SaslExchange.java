package dev.switchboard.server.auth;

import java.util.concurrent.CompletionStage;

/** One running SASL exchange. */
public interface SaslExchange {
  CompletionStage<SaslStep> step(byte[] clientData);
}
