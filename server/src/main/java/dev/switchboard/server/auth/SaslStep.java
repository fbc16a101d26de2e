package dev.switchboard.server.auth;

import java.util.Objects;

/** What the server answers to one step of a SASL exchange (RFC 6120 section 6.4). */
public sealed interface SaslStep {
  /** A {@code <challenge/>}: the exchange goes on. */
  record Challenge(byte[] data) implements SaslStep {
    public Challenge {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }
  }

  /**
   * A {@code <success/>} for the canonical username (the localpart), with additional data for the
   * client to check the server (SCRAM's server signature), or {@code null} when there is none.
   */
  record Success(String username, byte[] additionalData) implements SaslStep {
    public Success {
      Objects.requireNonNull(username, "username");
      additionalData = additionalData == null ? null : additionalData.clone();
    }

    @Override
    public byte[] additionalData() {
      return additionalData == null ? null : additionalData.clone();
    }
  }

  /**
   * A {@code <failure/>}. The text is for logs and the optional {@code <text/>}; it never says
   * whether the account exists.
   */
  record Failure(SaslFailure condition, String text) implements SaslStep {
    public Failure {
      Objects.requireNonNull(condition, "condition");
    }
  }
}
