package dev.switchboard.server.lossless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.server.lossless.DeliveryChecker.Archive;
import dev.switchboard.server.lossless.DeliveryChecker.DeviceState;
import dev.switchboard.server.lossless.DeliveryChecker.Report;
import dev.switchboard.server.lossless.Device.Reception;
import dev.switchboard.server.lossless.Device.Via;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The delivery checker on hand-made runs, no server: a clean run passes, and each kind of fault
 * planted in it (a loss, a duplicate, a reordering, an acknowledged message bounced, an archive
 * missing an acknowledged message, an archive not read) is caught and fails the report.
 *
 * <p>The run: device {@code a/phone} sends seq 1 to 3 to {@code b}'s bare JID, all acknowledged,
 * and seq 4, which the server never acknowledged; {@code b/phone} receives 1 to 3 live with
 * stanza-ids in order, and both archives are read.
 */
class DeliveryCheckerTest {
  private final Ledger ledger = new Ledger();
  private final List<Reception> atB = new ArrayList<>();
  private final Map<String, List<String>> archiveOfB = new LinkedHashMap<>();
  private final Map<String, Archive> archives = new LinkedHashMap<>();
  private long arrival;

  DeliveryCheckerTest() {
    for (int seq = 1; seq <= 4; seq++) {
      String id = "a-phone-" + seq;
      ledger.add(new Ledger.Sent("a/phone", seq, "b", null, id, 1, 1));
      ledger.handedOver(id);
      if (seq <= 3) {
        ledger.acked(id);
        receive(seq, "sid-" + seq, Via.LIVE);
        archiveOfB.put(Archive.key("a/phone", seq), new ArrayList<>(List.of("sid-" + seq)));
      }
    }
    archives.put("a", new Archive("a", Map.of()));
    archives.put("b", new Archive("b", archiveOfB));
  }

  private void receive(long seq, String stanzaId, Via via) {
    atB.add(new Reception("a/phone", seq, stanzaId, via, ++arrival));
  }

  private Report check() {
    List<DeviceState> devices =
        List.of(
            new DeviceState("a/phone", "a", true, null, List.of()),
            new DeviceState("b/phone", "b", true, "sid-3", atB));
    return DeliveryChecker.check(ledger, devices, archives, true);
  }

  @Test
  void aCleanRunPasses() {
    Report r = check();
    assertThat(r.ok()).as(r.format()).isTrue();
    assertThat(r.sent()).isEqualTo(4);
    assertThat(r.acknowledged()).isEqualTo(3);
    assertThat(r.expected()).isEqualTo(3);
    assertThat(r.delivered()).isEqualTo(3);
    assertThat(r.lost()).isZero();
    assertThat(r.duplicates()).isZero();
    assertThat(r.outOfOrder()).isZero();
    assertThat(r.bounced()).isZero();
    assertThat(r.missingFromArchive()).isZero();
    assertThat(r.archivesNotRead()).isEmpty();
    assertThat(r.details()).isEmpty();
  }

  @Test
  void theSameStanzaIdAgainIsRedundantNotADuplicate() {
    receive(2, "sid-2", Via.LIVE); // a resend after resumption
    receive(2, "sid-2", Via.MAM); // and the archive repeating it
    Report r = check();
    assertThat(r.ok()).as(r.format()).isTrue();
    assertThat(r.duplicates()).isZero();
    assertThat(r.redundant()).isEqualTo(2);
  }

  @Test
  void aLossIsCaught() {
    atB.removeIf(x -> x.seq() == 2);
    Report r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.lost()).isEqualTo(1);
    assertThat(r.details()).anyMatch(d -> d.startsWith("LOST at b/phone") && d.contains("seq=2"));
  }

  @Test
  void aDuplicateIsCaught() {
    receive(2, "sid-2-again", Via.DELAYED); // the same message stored and delivered twice
    Report r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.details()).anyMatch(d -> d.startsWith("DUPLICATE at b/phone"));
  }

  @Test
  void aReceptionWithoutStanzaIdBesideOneWithIsADuplicate() {
    receive(3, null, Via.LIVE); // cannot be de-duplicated
    Report r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.duplicates()).isEqualTo(1);
  }

  @Test
  void aReorderingIsCaught() {
    // the archive order (stanza-ids) puts seq 2 before seq 1
    atB.clear();
    receive(1, "sid-2", Via.LIVE);
    receive(2, "sid-1", Via.LIVE);
    receive(3, "sid-3", Via.LIVE);
    Report r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.outOfOrder()).isEqualTo(1);
    assertThat(r.details()).anyMatch(d -> d.startsWith("OUT OF ORDER at b/phone"));
  }

  @Test
  void anAcknowledgedMessageThatBouncedIsCaught() {
    // acknowledged, then an error came back; nobody got it and no archive has it
    ledger.bounced("a-phone-2", "service-unavailable");
    atB.removeIf(x -> x.seq() == 2);
    archiveOfB.remove(Archive.key("a/phone", 2));
    Report r = check();
    assertThat(r.ok()).as(r.format()).isFalse();
    assertThat(r.bounced()).isEqualTo(1);
    assertThat(r.lost()).as("a bounced message is not expected anywhere").isZero();
    assertThat(r.missingFromArchive()).isZero();
    assertThat(r.details()).anyMatch(d -> d.startsWith("bounced:") && d.contains("a-phone-2"));
  }

  @Test
  void anArchiveMissingAnAcknowledgedMessageIsCaught() {
    // delivered live, but not in the archive
    archiveOfB.remove(Archive.key("a/phone", 3));
    Report r = check();
    assertThat(r.ok()).as(r.format()).isFalse();
    assertThat(r.lost()).isZero();
    assertThat(r.missingFromArchive()).isEqualTo(1);
    assertThat(r.details()).anyMatch(d -> d.startsWith("acknowledged but not in b's archive"));
  }

  @Test
  void anEmptyArchiveIsNotExcused() {
    // every message delivered, yet the recipient's archive holds none of them
    archiveOfB.clear();
    Report r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.missingFromArchive()).isEqualTo(3);
  }

  @Test
  void anArchiveThatWasNotReadIsCaught() {
    archives.remove("b");
    Report r = check();
    assertThat(r.ok()).isFalse();
    assertThat(r.archivesNotRead()).containsExactly("b");
    assertThat(r.missingFromArchive()).as("unknown, not counted per message").isZero();
  }

  @Test
  void anUnacknowledgedMessageIsNotRequired() {
    // seq 4 was never acknowledged: neither its absence nor its delivery is a fault
    Report r = check();
    assertThat(r.ok()).isTrue();
    receive(4, "sid-4", Via.LIVE);
    r = check();
    assertThat(r.ok()).as(r.format()).isTrue();
    assertThat(r.unacknowledgedDelivered()).isEqualTo(1);
    assertThat(r.extra()).isEqualTo(1);
  }
}
