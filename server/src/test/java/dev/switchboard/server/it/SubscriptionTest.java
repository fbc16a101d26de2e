package dev.switchboard.server.it;

import static dev.switchboard.server.it.Peer.befriend;
import static dev.switchboard.server.it.Peer.settle;
import static dev.switchboard.server.it.Peer.subscription;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 6121 section 3 and appendix A: the subscription state machine on the user's and on the
 * contact's side, as roster pushes and presence stanzas seen by real clients.
 */
class SubscriptionTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    for (String u :
        List.of(
            "sa-user",
            "sa-contact",
            "sb-user",
            "sb-contact",
            "sc-user",
            "sc-contact",
            "sd-user",
            "sd-contact",
            "se-user",
            "se-contact",
            "sf-user",
            "sf-contact",
            "sg-user",
            "sg-contact",
            "sh-user",
            "sh-contact",
            "si-user",
            "si-doomed")) {
      server.createAccount(u, "pw");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void assertItem(Element item, String subscription, String ask) {
    assertThat(item.attr("subscription")).as(item.toXml()).isEqualTo(subscription);
    assertThat(item.attr("ask")).as(item.toXml()).isEqualTo(ask);
  }

  static Element rosterItem(Peer p, Jid contact) throws Exception {
    Element q = p.rosterGet().child("query", Peer.ROSTER);
    return q.elements().stream()
        .filter(i -> contact.toString().equals(i.attr("jid")))
        .findFirst()
        .orElse(null);
  }

  @Test
  void subscribeAndApproveInBothDirections() throws Exception {
    try (Peer u = Peer.online(server, "sa-user", "u");
        Peer c = Peer.online(server, "sa-contact", "c")) {
      u.rosterGet();
      c.rosterGet();

      // A.2.1 / A.3.1: user sends subscribe: None -> None + Pending Out
      u.send(subscription("subscribe", c.jid));
      assertItem(u.push(c.bare()), "none", "subscribe");
      Element request = c.presence("subscribe", u.jid);
      assertThat(request.attr("from"))
          .as("stamped with the bare JID")
          .isEqualTo("sa-user@localhost");
      // the contact's server adds nothing to the contact's roster for a mere request
      u.sync(c.bare());
      assertThat(c.sync()).noneMatch(e -> Peer.isPush(e, u.bare()));

      // contact approves: contact None -> From, user None + Pending Out -> To
      c.send(subscription("subscribed", u.jid));
      assertItem(c.push(u.bare()), "from", null);
      assertItem(u.push(c.bare()), "to", null);
      assertThat(u.presence("subscribed", c.jid).attr("from")).isEqualTo("sa-contact@localhost");
      // ... and the contact's current presence follows the approval
      Element presence = u.presence(null, c.jid);
      assertThat(presence.attr("from")).isEqualTo(c.jid.toString());

      // the other direction: contact From -> From + Pending Out -> Both
      c.send(subscription("subscribe", u.jid));
      assertItem(c.push(u.bare()), "from", "subscribe");
      u.presence("subscribe", c.jid);
      u.send(subscription("subscribed", c.jid));
      assertItem(u.push(c.bare()), "both", null);
      assertItem(c.push(u.bare()), "both", null);
      c.presence("subscribed", u.jid);
      assertThat(c.presence(null, u.jid).attr("from")).isEqualTo(u.jid.toString());

      // the state is what the roster says too
      assertItem(rosterItem(u, c.bare()), "both", null);
      assertItem(rosterItem(c, u.bare()), "both", null);
    }
  }

  @Test
  void unsubscribeAndUnsubscribedCancelEachDirection() throws Exception {
    try (Peer u = Peer.online(server, "sb-user", "u");
        Peer c = Peer.online(server, "sb-contact", "c")) {
      u.rosterGet();
      c.rosterGet();
      befriend(u, c);

      // user unsubscribes from the contact's presence: user Both -> From, contact Both -> To
      u.send(subscription("unsubscribe", c.jid));
      assertItem(u.push(c.bare()), "from", null);
      c.presence("unsubscribe", u.jid);
      assertItem(c.push(u.bare()), "to", null);
      // the contact's server tells the user the contact is gone (RFC 6121 3.3.3)
      assertThat(u.presence("unavailable", c.jid).attr("from")).isEqualTo(c.jid.toString());

      // user cancels the contact's subscription: user From -> None, contact To -> None
      u.send(subscription("unsubscribed", c.jid));
      assertItem(u.push(c.bare()), "none", null);
      c.presence("unsubscribed", u.jid);
      assertItem(c.push(u.bare()), "none", null);
      assertThat(c.presence("unavailable", u.jid).attr("from")).isEqualTo(u.jid.toString());

      // neither sees the other's presence any more
      settle(u, c);
      u.send("<presence><status>u only</status></presence>");
      c.send("<presence><status>c only</status></presence>");
      u.sync();
      c.sync();
      assertThat(c.sync()).noneMatch(e -> Peer.isPresence(e, null, u.jid));
      assertThat(u.sync()).noneMatch(e -> Peer.isPresence(e, null, c.jid));
    }
  }

  @Test
  void deniedRequestClearsAskAndIsNotShownAgain() throws Exception {
    try (Peer u = Peer.online(server, "sc-user", "u")) {
      u.rosterGet();
      try (Peer c = Peer.online(server, "sc-contact", "c")) {
        u.send(subscription("subscribe", c.jid));
        assertItem(u.push(c.bare()), "none", "subscribe");
        c.presence("subscribe", u.jid);
        c.send(subscription("unsubscribed", u.jid));
        assertItem(u.push(c.bare()), "none", null);
        u.presence("unsubscribed", c.jid);
        c.sync(u.bare());
      }
      // the denied request is not presented at the contact's next login
      try (Peer c = Peer.online(server, "sc-contact", "again")) {
        assertThat(c.sync(u.bare())).noneMatch(e -> Peer.isPresence(e, "subscribe", u.jid));
      }
    }
  }

  @Test
  void requestWhileContactOfflineIsShownAtEveryLoginUntilAnswered() throws Exception {
    Jid contact = Jid.bare("sd-contact", TestServer.DOMAIN);
    try (Peer u = Peer.online(server, "sd-user", "u")) {
      u.rosterGet();
      u.send(
          "<presence type='subscribe' to='"
              + contact
              + "'><status>It is I, &amp; &lt;me&gt; — ☺</status></presence>");
      assertItem(u.push(contact), "none", "subscribe");
      u.sync(contact);
    }
    String status = "It is I, & <me> — ☺";
    try (Peer c = Peer.login(server, "sd-contact", "first")) {
      // connected but not available: the request waits for initial presence (RFC 6121 3.1.3)
      assertThat(c.sync()).noneMatch(Peer::isPresence);
      c.send("<presence/>");
      Element request = c.presence("subscribe", Jid.bare("sd-user", TestServer.DOMAIN));
      assertThat(request.attr("from")).isEqualTo("sd-user@localhost");
      assertThat(request.childText("status", request.namespace())).isEqualTo(status);
    }
    Jid user = Jid.bare("sd-user", TestServer.DOMAIN);
    try (Peer c = Peer.online(server, "sd-contact", "second")) {
      Element again = c.presence("subscribe", user);
      assertThat(again.childText("status", again.namespace())).isEqualTo(status);
    }
    try (Peer u = Peer.online(server, "sd-user", "u");
        Peer c = Peer.online(server, "sd-contact", "third")) {
      u.rosterGet();
      c.presence("subscribe", user);
      c.send(subscription("subscribed", user));
      assertItem(u.push(contact), "to", null);
      u.presence("subscribed", contact);
      settle(u, c);
    }
    // answered: not shown again, neither at the next login nor after a restart from storage
    try (Peer c = Peer.online(server, "sd-contact", "fourth")) {
      assertThat(c.sync(user)).noneMatch(e -> Peer.isPresence(e, "subscribe", user));
    }
    server.restart();
    try (Peer c = Peer.online(server, "sd-contact", "fifth")) {
      assertThat(c.sync(user)).noneMatch(e -> Peer.isPresence(e, "subscribe", user));
      assertItem(rosterItem(c, user), "from", null);
    }
    try (Peer u = Peer.login(server, "sd-user", "u")) {
      assertItem(rosterItem(u, contact), "to", null);
    }
  }

  @Test
  void preApprovedSubscriptionIsApprovedWithoutAsking() throws Exception {
    try (Peer u = Peer.online(server, "se-user", "u");
        Peer c = Peer.online(server, "se-contact", "c")) {
      u.rosterGet();
      c.rosterGet();

      // RFC 6121 3.4: subscribed before any request creates an item with approved='true'
      u.send(subscription("subscribed", c.jid));
      Element item = u.push(c.bare());
      assertItem(item, "none", null);
      assertThat(item.attr("approved")).isEqualTo("true");
      u.sync(c.bare());
      assertThat(c.sync()).noneMatch(e -> Peer.isPresence(e) || Peer.isPush(e, u.bare()));

      // the contact's later request is approved by the user's server on the user's behalf
      c.send(subscription("subscribe", u.jid));
      assertItem(c.push(u.bare()), "none", "subscribe");
      c.presence("subscribed", u.jid);
      assertItem(c.push(u.bare()), "to", null);
      Element approved = u.push(c.bare());
      assertItem(approved, "from", null);
      assertThat(approved.attr("approved")).isNull();
      assertThat(c.presence(null, u.jid).attr("from")).isEqualTo(u.jid.toString());
      c.sync(u.bare());
      assertThat(u.sync()).noneMatch(e -> Peer.isPresence(e, "subscribe", c.jid));
    }
  }

  @Test
  void cancelledPreApprovalNoLongerApproves() throws Exception {
    try (Peer u = Peer.online(server, "sh-user", "u");
        Peer c = Peer.online(server, "sh-contact", "c")) {
      u.rosterGet();
      u.send(subscription("subscribed", c.jid));
      assertThat(u.push(c.bare()).attr("approved")).isEqualTo("true");
      // RFC 6121 3.4: unsubscribed cancels the pre-approval
      u.send(subscription("unsubscribed", c.jid));
      Element cancelled = u.push(c.bare());
      assertItem(cancelled, "none", null);
      assertThat(cancelled.attr("approved")).isNull();
      u.sync(c.bare());
      assertThat(c.sync()).noneMatch(Peer::isPresence);

      c.send(subscription("subscribe", u.jid));
      u.presence("subscribe", c.jid); // asked for, not approved on the user's behalf
      c.sync(u.bare());
      assertThat(c.sync()).noneMatch(e -> Peer.isPresence(e, "subscribed", u.jid));
    }
  }

  @Test
  void rosterRemoveCancelsBothDirections() throws Exception {
    try (Peer u = Peer.online(server, "sf-user", "u");
        Peer c = Peer.online(server, "sf-contact", "c")) {
      u.rosterGet();
      c.rosterGet();
      befriend(u, c);

      String id = Peer.nextId();
      Element r =
          u.iq(
              id,
              "<iq type='set' id='"
                  + id
                  + "'><query xmlns='jabber:iq:roster'><item jid='"
                  + c.bare()
                  + "' subscription='remove'/></query></iq>");
      assertThat(r.attr("type")).isEqualTo("result");
      assertThat(u.push(c.bare()).attr("subscription")).isEqualTo("remove");
      // RFC 6121 2.5.2: unsubscribe and unsubscribed go to the contact, whose item stays as none
      c.presence("unsubscribe", u.jid);
      c.presence("unsubscribed", u.jid);
      c.presence("unavailable", u.jid);
      u.presence("unavailable", c.jid);
      settle(u, c);
      assertItem(rosterItem(c, u.bare()), "none", null);
      assertThat(rosterItem(u, c.bare())).isNull();

      u.send("<presence><status>after</status></presence>");
      c.send("<presence><status>after</status></presence>");
      u.sync();
      c.sync();
      assertThat(c.sync()).noneMatch(e -> Peer.isPresence(e, null, u.jid));
      assertThat(u.sync()).noneMatch(e -> Peer.isPresence(e, null, c.jid));
    }
  }

  @Test
  void repeatedSubscribeToAnApprovedContactIsNotShownToTheContact() throws Exception {
    try (Peer u = Peer.online(server, "sg-user", "u");
        Peer c = Peer.online(server, "sg-contact", "c")) {
      u.rosterGet();
      c.rosterGet();
      befriend(u, c);
      // RFC 6121 3.1.3: the contact's server answers for the contact, who sees nothing
      u.send(subscription("subscribe", c.jid));
      u.sync(c.bare());
      assertThat(c.sync()).noneMatch(e -> Peer.isPresence(e, "subscribe", u.jid));
      assertItem(rosterItem(u, c.bare()), "both", null);
      assertItem(rosterItem(c, u.bare()), "both", null);
    }
  }

  @Test
  void subscribingToAnAccountThatDoesNotExistIsAnsweredWithUnsubscribed() throws Exception {
    try (Peer u = Peer.online(server, "si-user", "r")) {
      Jid ghost = Jid.parse("si-ghost@localhost");
      u.send(Peer.subscription("subscribe", ghost));
      u.presence("unsubscribed", ghost);
    }
  }

  @Test
  void aDeletedAccountsContactsSeeItGoAndLoseTheirSubscriptions() throws Exception {
    try (Peer u = Peer.online(server, "si-user", "r2");
        Peer doomed = Peer.online(server, "si-doomed", "r")) {
      befriend(u, doomed);
      u.rosterGet();
      doomed.send(
          "<iq type='set' id='del' to='localhost'><query xmlns='jabber:iq:register'><remove/>"
              + "</query></iq>");
      u.presence("unavailable", doomed.jid);
      u.presence("unsubscribe", doomed.jid);
      u.presence("unsubscribed", doomed.jid);
      // one push per cancelled direction: from both to "to", then to "none"
      assertThat(u.push(doomed.bare()).attr("subscription")).isEqualTo("to");
      assertThat(u.push(doomed.bare()).attr("subscription")).isEqualTo("none");
    }
  }
}
