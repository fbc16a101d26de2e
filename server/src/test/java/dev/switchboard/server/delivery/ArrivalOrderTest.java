package dev.switchboard.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArrivalOrderTest {
  /** A message as the account's owner holds it: the stanza and its confirmation. */
  private record Incoming(Element stanza, Confirmation ack) {}

  private static boolean admit(ArrivalOrder<Incoming> order, Incoming in, long now) {
    return order.admit(in, in.ack(), now);
  }

  private static List<Incoming> released(ArrivalOrder<Incoming> order, long now) {
    return order.releasable(now).stream().map(ArrivalOrder.Released::item).toList();
  }

  private static ActorTestKit kit;
  private static ActorRef<ClientInbox> alice;
  private static ActorRef<ClientInbox> bob;
  private static ActorRef<ClientInbox> carol;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
    alice = kit.<ClientInbox>createTestProbe().ref();
    bob = kit.<ClientInbox>createTestProbe().ref();
    carol = kit.<ClientInbox>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Incoming message(ActorRef<ClientInbox> from, long seq, long after) {
    return new Incoming(
        Element.builder("message", "jabber:client").attr("id", "m" + seq).build(),
        new Confirmation(from, seq, after));
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  @Test
  void aMessageWaitsForItsPredecessorAndThenGoesInOrder() {
    ArrivalOrder<Incoming> order = new ArrivalOrder<>();
    Incoming second = message(alice, 2, 1);
    Incoming third = message(alice, 3, 2);
    assertThat(admit(order, second, 0)).isFalse();
    assertThat(admit(order, third, 0)).isFalse();
    Incoming first = message(alice, 1, -1);
    assertThat(admit(order, first, 0)).isTrue();
    order.handled(first.ack(), 0);
    assertThat(released(order, 0)).containsExactly(second, third);
    assertThat(order.isEmpty()).isTrue();
  }

  @Test
  void aPredecessorHandledLatelyLetsTheSuccessorGoAtOnce() {
    ArrivalOrder<Incoming> order = new ArrivalOrder<>();
    Incoming first = message(alice, 1, -1);
    assertThat(admit(order, first, 0)).isTrue();
    order.handled(first.ack(), 0);
    assertThat(admit(order, message(alice, 2, 1), seconds(1))).isTrue();
    assertThat(admit(order, message(bob, 2, 1), seconds(1))).isFalse(); // bob's 1 never came
  }

  @Test
  void sendersAreForgottenAfterAWhileSoTheirEntriesDoNotPileUp() {
    ArrivalOrder<Incoming> order = new ArrivalOrder<>();
    order.handled(new Confirmation(alice, 1), 0);
    long half = ArrivalOrder.REMEMBER.toNanos() / 2;
    order.handled(new Confirmation(bob, 7), half);
    assertThat(order.remembered()).isEqualTo(2);
    long later = ArrivalOrder.REMEMBER.toNanos() + half / 2;
    // alice's entry is past REMEMBER: her successor waits (for its resend or MAX_WAIT) ...
    assertThat(admit(order, message(alice, 2, 1), later)).isFalse();
    // ... and the next handled message drops her entry, keeps bob's
    order.handled(new Confirmation(bob, 8), later);
    assertThat(order.remembered()).isEqualTo(1);
    assertThat(admit(order, message(bob, 9, 8), later)).isTrue();
  }

  @Test
  void aSenderHeardFromAgainIsKeptWhileQuieterOnesGo() {
    ArrivalOrder<Incoming> order = new ArrivalOrder<>();
    long r = ArrivalOrder.REMEMBER.toNanos();
    order.handled(new Confirmation(alice, 1), 0);
    order.handled(new Confirmation(bob, 1), r / 10);
    order.handled(new Confirmation(alice, 2), r * 6 / 10);
    // bob's entry is now the oldest although alice's came first
    order.handled(new Confirmation(carol, 1), r * 12 / 10);
    assertThat(order.remembered()).isEqualTo(2);
    assertThat(admit(order, message(alice, 3, 2), r * 12 / 10)).isTrue();
    assertThat(admit(order, message(bob, 2, 1), r * 12 / 10)).isFalse();
  }

  @Test
  void manySendersAreAllRememberedAndEachKeepsItsOwnSequence() {
    ArrivalOrder<Incoming> order = new ArrivalOrder<>();
    List<ActorRef<ClientInbox>> senders = probes(300);
    for (int round = 1; round <= 3; round++) {
      for (int i = 0; i < senders.size(); i++) {
        order.handled(new Confirmation(senders.get(i), round * 1000L + i), round);
      }
    }
    assertThat(order.remembered()).isEqualTo(300);
    for (int i = 0; i < senders.size(); i++) {
      long last = 3000L + i;
      assertThat(admit(order, message(senders.get(i), last + 1, last), 4)).isTrue();
      assertThat(admit(order, message(senders.get(i), last + 2, last + 1), 4)).isFalse();
    }
  }

  @Test
  void beyondMaxSendersTheLeastRecentlyUpdatedAreForgotten() {
    ArrivalOrder<Incoming> order = new ArrivalOrder<>();
    List<ActorRef<ClientInbox>> senders = probes(1300);
    for (int i = 0; i < senders.size(); i++) {
      order.handled(new Confirmation(senders.get(i), 1), i);
    }
    assertThat(order.remembered()).isBetween(768, 1024);
    long now = senders.size();
    // the newest are known, the first ones were let go
    for (int i = senders.size() - 700; i < senders.size(); i++) {
      assertThat(admit(order, message(senders.get(i), 2, 1), now)).isTrue();
    }
    for (int i = 0; i < 200; i++) {
      assertThat(admit(order, message(senders.get(i), 2, 1), now)).isFalse();
    }
  }

  private static List<ActorRef<ClientInbox>> probes(int n) {
    List<ActorRef<ClientInbox>> refs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      refs.add(kit.<ClientInbox>createTestProbe().ref());
    }
    return refs;
  }

  @Test
  void aResendThatMayGoDropsTheCopyStillWaiting() {
    ArrivalOrder<Incoming> order = new ArrivalOrder<>();
    Incoming waiting = message(alice, 5, 4);
    assertThat(admit(order, waiting, 0)).isFalse();
    // the sender had 4 confirmed meanwhile, so its resend of 5 names no predecessor
    Incoming resend = message(alice, 5, -1);
    assertThat(admit(order, resend, seconds(10))).isTrue();
    assertThat(order.isEmpty()).isTrue();
    Duration wait = ArrivalOrder.MAX_WAIT.plusSeconds(1);
    assertThat(released(order, wait.toNanos())).isEmpty();
  }

  @Test
  void aMessageWaitsNoLongerThanMaxWait() {
    ArrivalOrder<Incoming> order = new ArrivalOrder<>();
    Incoming orphan = message(alice, 9, 8);
    assertThat(admit(order, orphan, 0)).isFalse();
    assertThat(released(order, seconds(1))).isEmpty();
    assertThat(released(order, ArrivalOrder.MAX_WAIT.toNanos())).containsExactly(orphan);
  }
}
