package dev.switchboard.server.lossless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.it.TestServer;
import dev.switchboard.server.lossless.Device.Reception;
import dev.switchboard.server.lossless.Device.Via;
import dev.switchboard.server.mod.mam.ArchivedMessage;
import dev.switchboard.server.mod.mam.JdbcArchiveStore;
import dev.switchboard.server.mod.mam.StanzaIds;
import dev.switchboard.server.store.Database;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's own catch-up against an archive seeded into the server's database: a device that
 * logs in fresh reads its whole archive page by page (only its incoming numbered messages count),
 * and a later catch-up starts after its sync point.
 */
class DeviceCatchUpTest {
  static TestServer server;
  static final StanzaIds ids = new StanzaIds();
  static final List<String> archiveIds = new ArrayList<>();
  static Jid u0;
  static Jid u1;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    u0 = server.createAccount("u0", "pw-u0");
    u1 = server.createAccount("u1", "pw-u1");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Archives, for u0, incoming numbered messages from u1/phone (and an outgoing one every 7th). */
  static void seed(int fromSeq, int toSeq) {
    List<ArchivedMessage> archive = new ArrayList<>();
    for (int n = fromSeq; n <= toSeq; n++) {
      boolean outgoing = n % 7 == 0;
      Jid me = n % 2 == 0 ? u0 : u0.withResource("phone");
      Jid peer = u1.withResource("phone");
      Element m =
          Element.builder("message", Namespaces.CLIENT)
              .attr("from", (outgoing ? u0.withResource("phone") : peer).toString())
              .attr("to", (outgoing ? peer : me).toString())
              .attr("type", "chat")
              .attr("id", "m" + n)
              .child(
                  Element.builder("body", Namespaces.CLIENT)
                      .text(outgoing ? "lossless:u0/phone:" + n : Device.PREFIX + "u1/phone:" + n)
                      .build())
              .build();
      String id = ids.next();
      archiveIds.add(id);
      archive.add(new ArchivedMessage(id, u0, u1, outgoing, Instant.now(), "o" + n, m));
    }
    try (Database db = Database.open(server.server().config())) {
      JdbcArchiveStore store = new JdbcArchiveStore(db);
      db.inTransaction(
          c -> {
            store.appendAll(c, archive);
            return null;
          });
    }
  }

  @Test
  void catchesUpThroughTheWholeArchiveThenAfterItsSyncPoint(@TempDir Path dir) throws Exception {
    seed(1, 230); // more than two pages of Device.PAGE
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (EventLog log = new EventLog(dir.resolve("events.log"), quiet);
        ChaosProxy proxy = new ChaosProxy("u0-phone", server.port())) {
      Device d =
          new Device(
              "u0", "phone", "pw-u0", proxy, server::trustManager, new Ledger(), log, true, true);
      try {
        stepUntil(d, d::inSync);
        List<Reception> got = d.received();
        List<Long> seqs = got.stream().map(Reception::seq).toList();
        assertThat(seqs).hasSize(230 - 230 / 7).doesNotContain(7L, 14L, 224L).contains(1L, 230L);
        assertThat(got).allMatch(r -> r.via() == Via.MAM && r.sender().equals("u1/phone"));
        assertThat(got.getFirst().stanzaId()).isEqualTo(archiveIds.getFirst());
        assertThat(d.syncPoint()).isEqualTo(archiveIds.getLast());

        seed(231, 240);
        d.requestFinalCatchUp();
        stepUntil(d, d::finalCatchUpDone);
        List<Long> more = d.received().stream().skip(got.size()).map(Reception::seq).toList();
        assertThat(more).containsExactly(232L, 233L, 234L, 235L, 236L, 237L, 239L, 240L);
        assertThat(d.syncPoint()).isEqualTo(archiveIds.getLast());

        // a cut connection is resumed: no catch-up needed, nothing received twice
        proxy.cutAll(true);
        stepUntil(d, () -> d.resumed.get() == 1 && d.inSync());
        assertThat(d.received()).hasSize(got.size() + more.size());
      } finally {
        d.shutdown();
      }
    }
  }

  private static void stepUntil(Device d, BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
      if (!d.step(null)) {
        Thread.sleep(50);
      }
    }
  }
}
