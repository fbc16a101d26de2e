package dev.switchboard.server.session;

import dev.switchboard.server.auth.CredentialLookup;
import dev.switchboard.server.auth.SaslMechanism;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.metrics.Metrics;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.stream.StreamMachine;
import dev.switchboard.server.user.Owners;
import dev.switchboard.xmpp.Element;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every client session shares.
 *
 * @param credentials finds the credentials of an account of a domain, by localpart
 * @param preAuthIqs answers IQs allowed before authentication (in-band registration)
 * @param nodeId this node's unique cluster address, recorded with each bound session
 * @param filters per-session filter factories of a hosted domain, by the nonza namespace that
 *     drives them
 */
public record SessionServices(
    ServerConfig.C2s config,
    StreamMachine streamMachine,
    Map<String, SaslMechanism> mechanisms,
    Function<String, CredentialLookup> credentials,
    Router router,
    Owners owners,
    PreAuthIqs preAuthIqs,
    Metrics metrics,
    Supplier<String> ids,
    ResumableSessions resumable,
    Supplier<Optional<String>> redirect,
    Function<String, Map<String, Supplier<SessionFilter>>> filters,
    String nodeId) {

  /** XEP-0198's namespace: its nonzas are the sessions' own, also before a resource is bound. */
  public static final String STREAM_MANAGEMENT = SmElements.NS;

  /** XEP-0198's stream feature, which every session offers after authentication. */
  public static final Element STREAM_MANAGEMENT_FEATURE = SmElements.FEATURE;

  /** Answers an IQ sent before authentication to a hosted domain. */
  @FunctionalInterface
  public interface PreAuthIqs {
    /**
     * @param domain the hosted domain of the stream
     * @param iq the IQ as the client sent it (no from)
     * @param secured whether the stream is encrypted
     * @return the full reply
     */
    CompletionStage<Element> answer(String domain, Element iq, boolean secured);
  }
}
