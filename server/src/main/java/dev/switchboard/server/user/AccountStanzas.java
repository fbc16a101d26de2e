package dev.switchboard.server.user;

import dev.switchboard.server.delivery.ArrivalOrder;
import dev.switchboard.server.delivery.Confirmation;
import dev.switchboard.server.iq.Iq;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the stanzas of an account go, decided by its owner: stanzas its own sessions send (through
 * the modules' {@link AccountHooks#STANZA_OUT} handlers, messages through {@link MessageDelivery}),
 * and stanzas addressed to it (RFC 6121 8.5; presence and IQs through {@link
 * AccountHooks#STANZA_IN} and the account IQ handlers, messages in each sender's order).
 */
final class AccountStanzas {
  private static final Logger LOG = LoggerFactory.getLogger(AccountStanzas.class);
  private static final Duration RELEASE_CHECK = Duration.ofSeconds(5);

  private final Account account;
  private final UserServices services;
  private final AccountExtensions extensions;
  private final MessageDelivery delivery;
  private final TimerScheduler<UserActor.Command> timers;
  private final ArrivalOrder<Element> arrivals = new ArrivalOrder<>();

  AccountStanzas(
      Account account,
      UserServices services,
      AccountExtensions extensions,
      MessageDelivery delivery,
      TimerScheduler<UserActor.Command> timers) {
    this.account = account;
    this.services = services;
    this.extensions = extensions;
    this.delivery = delivery;
    this.timers = timers;
  }

  /** Whether messages wait for their predecessors (the owner does not passivate then). */
  boolean holding() {
    return !arrivals.isEmpty();
  }

  // ---- from the account's own sessions ----

  void fromSession(UserActor.FromSession fs) {
    Element stanza = fs.stanza();
    SessionEntry from = account.sessionOrNull(fs.resource());
    if (isMessage(stanza)) {
      // a message of a session that ended, or has not registered with this owner yet, still goes
      // out: its sender was authenticated when it was read
      delivery.send(
          from != null
              ? from
              : new SessionEntry(
                  account.jid().withResource(fs.resource()), null, null, false, null),
          stanza,
          fs.confirmation());
      return;
    }
    if (from == null) {
      return; // presence and IQs of a session that is gone: nothing to do
    }
    if (extensions
            .hooks()
            .run(AccountHooks.STANZA_OUT, new AccountHooks.StanzaOut(account, from, stanza))
        == null) {
      return;
    }
    Jid to = stanza.toJid();
    if (to != null && to.toBare().equals(account.jid())) {
      toAccount(stanza); // to this account itself: no need to go round the router
    } else {
      account.route(stanza);
    }
  }

  // ---- to the account ----

  /** A message, in the order its sender sent it (see {@link ArrivalOrder}). */
  void message(Element stanza, Confirmation confirmation) {
    long now = System.nanoTime();
    if (!arrivals.admit(stanza, confirmation, now)) {
      if (!timers.isTimerActive("release-held")) {
        timers.startTimerWithFixedDelay("release-held", new UserActor.ReleaseHeld(), RELEASE_CHECK);
      }
      return;
    }
    delivery.receive(stanza, confirmation);
    arrivals.handled(confirmation, now);
    releaseHeld(now);
  }

  /** Messages whose predecessor arrived, or that waited long enough, go on now. */
  void releaseHeld(long now) {
    if (arrivals.isEmpty()) {
      return;
    }
    for (ArrivalOrder.Released<Element> next : arrivals.releasable(now)) {
      delivery.receive(next.item(), next.confirmation());
    }
    if (arrivals.isEmpty()) {
      timers.cancel("release-held");
    }
  }

  /** A presence or IQ addressed to the account. */
  void toAccount(Element stanza) {
    if (!account.exists() && stanza.name().equals("presence")) {
      noSuchAccount(stanza);
      return;
    }
    if (account.exists()
        && extensions
                .hooks()
                .run(AccountHooks.STANZA_IN, new AccountHooks.StanzaIn(account, stanza))
            == null) {
      return;
    }
    if (stanza.name().equals("iq")) {
      iq(stanza);
    }
    // presence no module took: nothing to do
  }

  /**
   * RFC 6121 3.1.3 and 4.3.1: a subscription request or probe for an account that does not exist is
   * answered with unsubscribed, so the asker's roster does not wait forever.
   */
  private void noSuchAccount(Element presence) {
    String type = presence.attr("type");
    Jid from = Jid.tryParse(presence.attr("from"));
    if (from != null && ("subscribe".equals(type) || "probe".equals(type))) {
      account.route(
          Element.builder("presence", Namespaces.CLIENT)
              .attr("from", account.jid().toString())
              .attr("to", from.toBare().toString())
              .attr("type", "unsubscribed")
              .build());
    }
  }

  private void iq(Element stanza) {
    String type = stanza.attr("type");
    Jid to = stanza.toJid();
    boolean request = "get".equals(type) || "set".equals(type);
    if (to != null && to.isFull()) {
      SessionEntry s = account.session(to.resource()).orElse(null);
      if (s != null) {
        account.deliver(s, stanza);
      } else if (request) {
        services.router().bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
      }
      return;
    }
    if (!request) {
      return; // results and errors to a bare JID have no one to go to
    }
    Iq iq = Iq.parse(stanza);
    if (iq == null) {
      services.router().bounce(stanza, StanzaErrorCondition.BAD_REQUEST);
      return;
    }
    AccountIqHandler h = account.exists() ? extensions.iqs().get(iq.payload().namespace()) : null;
    if (h == null) {
      services.router().bounce(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE);
      return;
    }
    try {
      h.handle(account, iq);
    } catch (RuntimeException e) {
      LOG.error("account IQ handler for {} failed", iq.payload().namespace(), e);
      account.route(iq.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR));
    }
  }

  static boolean isMessage(Element stanza) {
    return stanza.name().equals("message");
  }
}
