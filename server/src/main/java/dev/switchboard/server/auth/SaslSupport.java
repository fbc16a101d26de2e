package dev.switchboard.server.auth;

import dev.switchboard.xmpp.Jid;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Rules every mechanism shares: usernames, authorization identities, text decoding. */
final class SaslSupport {
  static final String AUTH_FAILED = "authentication failed";

  private SaslSupport() {}

  /** The canonical localpart for {@code username}, or empty when it cannot be one. */
  static Optional<String> canonicalUsername(String username, String domain) {
    try {
      return Optional.of(Jid.bare(username, domain).local());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * RFC 6120 section 6.3.8: the only identity an account may act as is its own bare JID, so an
   * authzid must be absent, empty, or that JID.
   */
  static boolean authzidAllowed(String authzid, String username, String domain) {
    if (authzid == null || authzid.isEmpty()) {
      return true;
    }
    Jid requested = Jid.tryParse(authzid);
    return requested != null && requested.equals(Jid.bare(username, domain));
  }

  /** Decodes UTF-8, refusing malformed input rather than replacing it. */
  static String utf8(byte[] data) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(data))
        .toString();
  }

  static CompletionStage<SaslStep> failure(SaslFailure condition, String text) {
    return CompletableFuture.completedFuture(new SaslStep.Failure(condition, text));
  }
}
