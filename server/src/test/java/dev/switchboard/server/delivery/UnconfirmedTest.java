package dev.switchboard.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Namespaces;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UnconfirmedTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);
  private static ActorTestKit kit;

  @BeforeAll
  static void startKit() {
    kit = ActorTestKit.create();
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  private static Element message(String id) {
    return Element.builder("message", Namespaces.CLIENT).attr("id", id).build();
  }

  private Unconfirmed unconfirmed() {
    TestProbe<ClientInbox> session = kit.createTestProbe();
    return new Unconfirmed(session.ref());
  }

  @Test
  void aMessageIsResentAfterTenSecondsWithoutConfirmation() {
    Unconfirmed u = unconfirmed();
    u.track(1, message("a"), "bob@example.org", 0);
    assertThat(u.due(9 * S)).isEmpty();
    assertThat(u.due(10 * S)).extracting(r -> r.message().attr("id")).containsExactly("a");
    // its clock restarted
    assertThat(u.due(15 * S)).isEmpty();
    assertThat(u.due(20 * S)).hasSize(1);
  }

  @Test
  void aFullWindowMeansStopReadingUntilHalfOfItIsConfirmed() {
    Unconfirmed u = unconfirmed();
    for (int i = 0; i < Unconfirmed.WINDOW; i++) {
      assertThat(u.full()).isFalse();
      u.track(i, message("m" + i), "bob@example.org", 0);
    }
    assertThat(u.full()).isTrue();
    assertThat(u.roomAgain()).isFalse();
    for (int i = 0; i < Unconfirmed.WINDOW / 2; i++) {
      u.confirmed(i);
    }
    assertThat(u.roomAgain()).isTrue();
    assertThat(u.confirmed(0)).as("a repeat").isFalse();
    assertThat(u.size()).isEqualTo(Unconfirmed.WINDOW / 2);
  }
}
