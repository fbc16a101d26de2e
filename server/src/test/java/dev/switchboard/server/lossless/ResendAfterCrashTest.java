package dev.switchboard.server.lossless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.it.Smack;
import dev.switchboard.server.it.TestServer;
import dev.switchboard.server.mod.mam.ArchivedMessage;
import dev.switchboard.server.mod.mam.JdbcArchiveStore;
import dev.switchboard.server.mod.mam.StanzaIds;
import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.sid.element.OriginIdElement;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A regression test for a bug the lossless soak found (seed 11, second server kill): an
 * acknowledged message that never reached the recipient nor its archive.
 *
 * <p>The sender's archive copy commits before the message is routed; the recipient's copy commits
 * later, in the recipient's user actor. Killed between the two commits, the server restarts with
 * only the sender's copy. The client never got its acknowledgement, so it resends the message
 * (Smack resends every unacknowledged stanza after a failed resumption; {@code <failed/>} after a
 * restart has no {@code h}). {@code MessageArchiver} finds the origin-id in the sender's archive,
 * took it for a resend of a message already handled, and acknowledged it without passing it on: it
 * was lost. Now the sender's side only avoids a second archive row; the resend is passed on and the
 * recipient's archive decides whether it is a duplicate.
 *
 * <p>This test sets up the state the crash leaves (the sender's archive holds the message, nothing
 * else does) and resends it: the recipient must get it.
 */
class ResendAfterCrashTest {
  @Test
  void aResendWhoseSenderCopyAloneSurvivedACrashStillReachesTheRecipient() throws Exception {
    try (TestServer server = TestServer.start()) {
      Jid alice = server.createAccount("alice", "pw-alice");
      Jid bob = server.createAccount("bob", "pw-bob");
      String originId = "alice-phone-527";
      // what the crash left: alice's copy, committed before routing; bob's never was
      Element sent =
          Element.builder("message", Namespaces.CLIENT)
              .attr("from", alice.withResource("phone").toString())
              .attr("to", bob.toString())
              .attr("type", "chat")
              .attr("id", originId)
              .child(Element.builder("body", Namespaces.CLIENT).text("lost?").build())
              .child(Element.builder("origin-id", "urn:xmpp:sid:0").attr("id", originId).build())
              .build();
      try (Database db = Database.open(server.server().config())) {
        JdbcArchiveStore store = new JdbcArchiveStore(db);
        db.inTransaction(
            c -> {
              store.append(
                  c,
                  new ArchivedMessage(
                      new StanzaIds().next(), alice, bob, true, Instant.now(), originId, sent));
              return null;
            });
      }

      XMPPTCPConnection b = Smack.login(server, "bob", "pw-bob", "phone");
      XMPPTCPConnection a = Smack.login(server, "alice", "pw-alice", "phone");
      try {
        LinkedBlockingQueue<Message> got = new LinkedBlockingQueue<>();
        b.addSyncStanzaListener(s -> got.add((Message) s), StanzaTypeFilter.MESSAGE);
        // the client's resend after the restart: same id, same origin-id
        a.sendStanza(
            StanzaBuilder.buildMessage(originId)
                .to(JidCreate.from(bob.toString()))
                .ofType(Message.Type.chat)
                .setBody("lost?")
                .addExtension(new OriginIdElement(originId))
                .build());
        // and a new message behind it, which shows the path works
        a.sendStanza(
            StanzaBuilder.buildMessage("alice-phone-528")
                .to(JidCreate.from(bob.toString()))
                .ofType(Message.Type.chat)
                .setBody("control")
                .addExtension(new OriginIdElement("alice-phone-528"))
                .build());
        List<String> bodies = new ArrayList<>();
        while (!bodies.contains("control")) {
          Message m = got.poll(10, TimeUnit.SECONDS);
          assertThat(m).as("a message at the recipient, after " + bodies).isNotNull();
          bodies.add(m.getBody());
        }
        assertThat(bodies).as("what bob received").containsExactly("lost?", "control");
      } finally {
        a.disconnect();
        b.disconnect();
      }
    }
  }
}
