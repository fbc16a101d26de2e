package dev.switchboard.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.switchboard.server.auth.ScramMessages.ClientFinal;
import dev.switchboard.server.auth.ScramMessages.ClientFirst;
import dev.switchboard.server.auth.ScramMessages.Malformed;
import java.nio.charset.CharacterCodingException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/** One SCRAM exchange: client-first, server-first, client-final, server-final (RFC 5802 5.1). */
final class ScramExchange implements SaslExchange {
  private enum State {
    FIRST,
    LOOKING_UP,
    FINAL,
    DONE
  }

  private final ScramHash hash;
  private final String domain;
  private final CredentialLookup lookup;
  private final Function<String, ScramCredential> decoys;
  private final Supplier<String> serverNonces;

  private State state = State.FIRST;
  private ClientFirst clientFirst;
  private String username;
  private String serverFirst;
  private String nonce;
  private ScramCredential credential;
  private boolean decoy;

  ScramExchange(
      ScramHash hash,
      String domain,
      CredentialLookup lookup,
      Function<String, ScramCredential> decoys,
      Supplier<String> serverNonces) {
    this.hash = hash;
    this.domain = domain;
    this.lookup = lookup;
    this.decoys = decoys;
    this.serverNonces = serverNonces;
  }

  @Override
  public CompletionStage<SaslStep> step(byte[] clientData) {
    return switch (state) {
      case FIRST -> clientFirst(clientData);
      case FINAL -> CompletableFuture.completedFuture(clientFinal(clientData));
      // a step while the lookup runs breaks the one-step-at-a-time rule; the exchange goes on
      case LOOKING_UP, DONE ->
          SaslSupport.failure(SaslFailure.MALFORMED_REQUEST, "unexpected data");
    };
  }

  private CompletionStage<SaslStep> clientFirst(byte[] data) {
    if (data == null) {
      // no initial response: an empty challenge asks for the client-first-message
      return CompletableFuture.completedFuture(new SaslStep.Challenge(new byte[0]));
    }
    try {
      clientFirst = ScramMessages.parseFirst(SaslSupport.utf8(data));
    } catch (CharacterCodingException e) {
      return fail(SaslFailure.MALFORMED_REQUEST, "not UTF-8");
    } catch (Malformed e) {
      return fail(SaslFailure.MALFORMED_REQUEST, e.getMessage());
    }
    Optional<String> canonical = SaslSupport.canonicalUsername(clientFirst.username(), domain);
    if (canonical.isEmpty()) {
      return fail(SaslFailure.NOT_AUTHORIZED, SaslSupport.AUTH_FAILED);
    }
    username = canonical.get();
    if (!SaslSupport.authzidAllowed(clientFirst.authzid(), username, domain)) {
      return fail(SaslFailure.INVALID_AUTHZID, "an account may only act as itself");
    }
    state = State.LOOKING_UP;
    CompletionStage<Optional<StoredCredentials>> found;
    try {
      found = lookup.find(username);
    } catch (RuntimeException e) {
      return fail(SaslFailure.TEMPORARY_AUTH_FAILURE, "credential lookup failed");
    }
    return found.handle(
        (credentials, error) -> {
          if (error != null) {
            state = State.DONE;
            return new SaslStep.Failure(
                SaslFailure.TEMPORARY_AUTH_FAILURE, "credential lookup failed");
          }
          return serverFirst(credentials);
        });
  }

  private SaslStep serverFirst(Optional<StoredCredentials> credentials) {
    decoy = credentials.isEmpty();
    credential = credentials.map(c -> c.forHash(hash)).orElseGet(() -> decoys.apply(username));
    nonce = clientFirst.nonce() + serverNonces.get();
    serverFirst =
        "r="
            + nonce
            + ",s="
            + Base64.getEncoder().encodeToString(credential.salt())
            + ",i="
            + credential.iterations();
    state = State.FINAL;
    return new SaslStep.Challenge(serverFirst.getBytes(UTF_8));
  }

  private SaslStep clientFinal(byte[] data) {
    state = State.DONE;
    if (data == null) {
      return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "no client-final-message");
    }
    ClientFinal m;
    try {
      m = ScramMessages.parseFinal(SaslSupport.utf8(data));
    } catch (CharacterCodingException e) {
      return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "not UTF-8");
    } catch (Malformed e) {
      return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, e.getMessage());
    }
    if (m.proof().length != hash.keyLength()) {
      return new SaslStep.Failure(SaslFailure.MALFORMED_REQUEST, "bad proof length");
    }
    // without channel binding, c= must carry exactly the GS2 header the client sent first
    if (!MessageDigest.isEqual(m.channelBinding(), clientFirst.gs2Header().getBytes(UTF_8))
        || !m.nonce().equals(nonce)) {
      return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, SaslSupport.AUTH_FAILED);
    }
    byte[] authMessage =
        (clientFirst.bare() + "," + serverFirst + "," + m.withoutProof()).getBytes(UTF_8);
    byte[] storedKey = credential.storedKey();
    byte[] clientKey = xor(m.proof(), hash.hmac(storedKey, authMessage));
    boolean proven = MessageDigest.isEqual(hash.digest(clientKey), storedKey);
    if (!proven || decoy) {
      return new SaslStep.Failure(SaslFailure.NOT_AUTHORIZED, SaslSupport.AUTH_FAILED);
    }
    byte[] serverSignature = hash.hmac(credential.serverKey(), authMessage);
    String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
    return new SaslStep.Success(username, serverFinal.getBytes(UTF_8));
  }

  private CompletionStage<SaslStep> fail(SaslFailure condition, String text) {
    state = State.DONE;
    return SaslSupport.failure(condition, text);
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }
}
