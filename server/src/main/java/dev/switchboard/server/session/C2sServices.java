package dev.switchboard.server.session;

import dev.switchboard.server.auth.CredentialLookup;
import dev.switchboard.server.auth.SaslMechanism;
import dev.switchboard.server.config.ServerConfig;
import dev.switchboard.server.metrics.Metrics;
import dev.switchboard.server.routing.Router;
import dev.switchboard.server.stream.StreamMachine;
import dev.switchboard.xmpp.Element;
import io.netty.handler.ssl.SslContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * What every client session shares.
 *
 * @param preAuthIqs answers IQs allowed before authentication (in-band registration); the flag says
 *     whether the stream is encrypted
 * @param nodeId this node's unique cluster address, recorded with each bound session
 * @param filters per-session filter factories, by the nonza namespace that drives them
 */
public record C2sServices(
    ServerConfig config,
    StreamMachine streamMachine,
    SslContext sslContext,
    Map<String, SaslMechanism> mechanisms,
    CredentialLookup credentials,
    Router router,
    BiFunction<Element, Boolean, CompletionStage<Element>> preAuthIqs,
    Metrics metrics,
    Supplier<String> ids,
    ResumableSessions resumable,
    Supplier<Optional<String>> redirect,
    Map<String, Supplier<SessionFilter>> filters,
    String nodeId) {}
