package dev.switchboard.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SaslMechanismsTest {
  @Test
  void createsTheConfiguredMechanismsInOrder() {
    List<SaslMechanism> ms =
        SaslMechanisms.create(List.of("PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"), Runnable::run);
    assertThat(ms)
        .extracting(SaslMechanism::name)
        .containsExactly("PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256");
    assertThat(ms.get(0)).isInstanceOf(PlainMechanism.class);
    assertThat(ms.get(2)).isInstanceOf(ScramMechanism.class);
  }

  @Test
  void refusesUnknownNames() {
    assertThatThrownBy(() -> SaslMechanisms.create(List.of("DIGEST-MD5"), Runnable::run))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DIGEST-MD5");
  }

  @Test
  void failureElementNamesFollowRfc6120() {
    assertThat(SaslFailure.NOT_AUTHORIZED.elementName()).isEqualTo("not-authorized");
    assertThat(SaslFailure.TEMPORARY_AUTH_FAILURE.elementName())
        .isEqualTo("temporary-auth-failure");
    assertThat(SaslFailure.INVALID_AUTHZID.elementName()).isEqualTo("invalid-authzid");
    assertThat(SaslFailure.values()).hasSize(11);
  }
}
