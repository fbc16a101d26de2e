package dev.switchboard.server.lossless;

import dev.switchboard.server.lossless.Device.Reception;
import dev.switchboard.server.lossless.Device.Via;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks what the devices received against what the server acknowledged.
 *
 * <p><b>Which devices must get a message.</b> Every device of the recipient account, when the
 * devices use carbons (XEP-0280: a device sees messages to its siblings' full JIDs as carbons, and
 * in its archive). Without carbons, a message sent to a bare JID must reach every device of that
 * account and one sent to a full JID only that device (the others may see it in their archive: such
 * receptions are counted as <em>extra</em>, not required). Only devices that came back at the end
 * count (reconnected and completed a final catch-up); the others are listed.
 *
 * <p><b>Counts.</b>
 *
 * <ul>
 *   <li><em>sent</em>: messages Smack took ({@code sendStanza} returned).
 *   <li><em>acknowledged</em>: sent messages the server acknowledged with XEP-0198 {@code <a h/>}
 *       (Smack's stanza-acknowledged listener; also after a resend on a new stream).
 *   <li><em>bounced</em>: acknowledged messages the sender got an error message for; they are not
 *       expected anywhere, and each is listed as a problem. Any bounce fails: once the server
 *       acknowledged a message, it must deliver it.
 *   <li><em>expected</em>: pairs (acknowledged, not bounced message; device that must get it).
 *   <li><em>delivered</em>: expected pairs the device received at least once, live, from offline
 *       storage or from the archive.
 *   <li><em>lost</em>: expected pairs never received. Any loss fails.
 *   <li><em>duplicates</em>: per device and message (sender, seq), the number of distinct
 *       stanza-ids it arrived with, minus one; a reception without a stanza-id cannot be
 *       de-duplicated and counts as distinct. The same stanza-id seen again (a resend after
 *       resumption, the archive repeating a live message) is de-duplicated: counted as
 *       <em>redundant</em>, harmless.
 *   <li><em>out of order</em>: per device and sender, take each message once (its lowest stanza-id)
 *       and order them by stanza-id, which is archive order, the order a client shows a
 *       conversation in (XEP-0359 ids that sort, as this server's do); if any of them lacks a
 *       stanza-id, by first arrival instead. Each message whose seq is lower than that of a message
 *       before it is out of order.
 *   <li><em>arrival inversions</em>: the same, over the first arrival on the stream (live or from
 *       offline storage, archive results left out) in arrival order. Reported, not failing unless
 *       asked: after a session ends, the server may hand older messages to a new session behind
 *       newer ones (RFC 6121 delivers a full-JID message to a session that has not sent presence
 *       yet, offline messages follow presence), and a client shows them in archive order anyway.
 *   <li><em>unacknowledged delivered</em>: received, though the sender never saw the
 *       acknowledgement (it was in flight when the connection died); allowed.
 *   <li><em>extra</em>: messages a device received that it was not required to get (not
 *       acknowledged, or, without carbons, sent to a sibling's full JID); allowed.
 *   <li><em>missing from archive</em>: acknowledged, not bounced, and not in the recipient's
 *       archive when it is read in full at the end. Counted for every recipient whose archive was
 *       read, also when it came back empty; fails.
 *   <li><em>archives not read</em>: accounts (with devices, or recipients of acknowledged messages)
 *       whose archive could not be read at the end, so that nothing is known of what is missing
 *       from it; fails.
 * </ul>
 */
public final class DeliveryChecker {
  private static final int DETAILS = 25;

  private DeliveryChecker() {}

  /** What is known of a device at the end. */
  public record DeviceState(
      String name, String user, boolean cameBack, String syncPoint, List<Reception> received) {}

  /**
   * A user's whole archive, read at the end with a query from the start (not counted as
   * deliveries): which archive ids each numbered incoming message has. Used only to explain losses
   * and to count what is missing from the archive.
   */
  public record Archive(String user, Map<String, List<String>> idsByMessage) {
    static String key(String sender, long seq) {
      return sender + "#" + seq;
    }
  }

  /** Counts for one device. */
  public record DeviceCounts(
      String name,
      long expected,
      long delivered,
      long lost,
      long live,
      long delayed,
      long carbon,
      long mam,
      long duplicates,
      long outOfOrder) {}

  /** The result. */
  public record Report(
      long sent,
      long acknowledged,
      long bounced,
      long expected,
      long delivered,
      long lost,
      long duplicates,
      long redundant,
      long outOfOrder,
      long arrivalInversions,
      long extra,
      long unacknowledgedDelivered,
      long missingFromArchive,
      List<String> archivesNotRead,
      List<DeviceCounts> devices,
      List<String> devicesNotBack,
      List<String> details) {

    /**
     * No loss, no duplicate, nothing out of order, no acknowledged message bounced, every archive
     * read and holding every acknowledged message, every device back.
     */
    public boolean ok() {
      return lost == 0
          && duplicates == 0
          && outOfOrder == 0
          && bounced == 0
          && missingFromArchive == 0
          && archivesNotRead.isEmpty()
          && devicesNotBack.isEmpty();
    }

    /** One line of the main counts. */
    public String summary() {
      return String.format(
          "sent %d, acknowledged %d, BOUNCED %d, expected deliveries %d, delivered %d, LOST %d,"
              + " DUPLICATES %d (redundant %d), OUT OF ORDER %d, arrival inversions %d,"
              + " extra %d, unacknowledged but delivered %d, MISSING FROM ARCHIVE %d%s",
          sent,
          acknowledged,
          bounced,
          expected,
          delivered,
          lost,
          duplicates,
          redundant,
          outOfOrder,
          arrivalInversions,
          extra,
          unacknowledgedDelivered,
          missingFromArchive,
          archivesNotRead.isEmpty() ? "" : " (ARCHIVES NOT READ: " + archivesNotRead + ")");
    }

    /** The full report: summary, a line per device, and the first problems in detail. */
    public String format() {
      StringBuilder b = new StringBuilder();
      b.append(summary()).append('\n');
      for (DeviceCounts d : devices) {
        b.append(
            String.format(
                "  %-14s expected %6d delivered %6d lost %4d (first came live %d, offline %d,"
                    + " carbon %d, archive %d) duplicates %d out-of-order %d%n",
                d.name(),
                d.expected(),
                d.delivered(),
                d.lost(),
                d.live(),
                d.delayed(),
                d.carbon(),
                d.mam(),
                d.duplicates(),
                d.outOfOrder()));
      }
      if (!devicesNotBack.isEmpty()) {
        b.append("  devices that did not come back: ").append(devicesNotBack).append('\n');
      }
      for (String d : details.subList(0, Math.min(DETAILS, details.size()))) {
        b.append("  ").append(d).append('\n');
      }
      if (details.size() > DETAILS) {
        b.append("  ... ").append(details.size() - DETAILS).append(" more in events.log\n");
      }
      return b.toString();
    }
  }

  private record Key(String sender, long seq) {}

  /**
   * Checks the devices' receptions against the ledger.
   *
   * @param archives each user's archive, or an empty map if it was not read
   * @param everyDevice every device of an account must get every message to it, also one sent to
   *     another device's full JID (the devices use carbons); else only that device must
   */
  public static Report check(
      Ledger ledger,
      Collection<DeviceState> devices,
      Map<String, Archive> archives,
      boolean everyDevice) {
    List<String> details = new ArrayList<>();
    Map<String, DeviceState> byName = new LinkedHashMap<>();
    Map<String, List<DeviceState>> byUser = new LinkedHashMap<>();
    List<String> notBack = new ArrayList<>();
    for (DeviceState d : devices) {
      byName.put(d.name(), d);
      byUser.computeIfAbsent(d.user(), u -> new ArrayList<>()).add(d);
      if (!d.cameBack()) {
        notBack.add(d.name());
      }
    }
    // what each device received, by message
    Map<String, Map<Key, List<Reception>>> got = new HashMap<>();
    for (DeviceState d : devices) {
      Map<Key, List<Reception>> m = new HashMap<>();
      for (Reception r : d.received()) {
        m.computeIfAbsent(new Key(r.sender(), r.seq()), k -> new ArrayList<>()).add(r);
      }
      got.put(d.name(), m);
    }
    // whose archive must hold what they were sent: every account with a device, or a message
    Set<String> accounts = new TreeSet<>(byUser.keySet());

    long sent = 0;
    long acked = 0;
    long bounced = 0;
    long expected = 0;
    long delivered = 0;
    long lost = 0;
    long unackedDelivered = 0;
    long missingFromArchive = 0;
    Map<String, long[]> perDevice = new HashMap<>(); // expected, delivered, lost
    Map<String, Set<Key>> expectedAt = new HashMap<>();
    for (Ledger.Sent s : ledger.all()) {
      Ledger.Fate f = ledger.fate(s);
      if (!f.handedOver()) {
        continue;
      }
      sent++;
      Key key = new Key(s.sender(), s.seq());
      List<DeviceState> targets =
          s.toResource() == null || everyDevice
              ? byUser.getOrDefault(s.toUser(), List.of())
              : List.of(byName.get(s.toUser() + "/" + s.toResource()));
      if (!f.acked()) {
        for (DeviceState d : targets) {
          if (got.get(d.name()).containsKey(key)) {
            unackedDelivered++;
            break;
          }
        }
        continue;
      }
      acked++;
      if (f.error() != null) {
        bounced++;
        detail(details, "bounced: " + s + " with " + f.error());
        continue;
      }
      accounts.add(s.toUser());
      Archive archive = archives.get(s.toUser());
      List<String> archivedAs =
          archive == null
              ? List.of()
              : archive.idsByMessage().getOrDefault(Archive.key(s.sender(), s.seq()), List.of());
      // an archive that was not read is listed below, not counted message by message
      if (archive != null && archivedAs.isEmpty()) {
        missingFromArchive++;
        detail(details, "acknowledged but not in " + s.toUser() + "'s archive: " + s);
      }
      for (DeviceState d : targets) {
        if (!d.cameBack()) {
          continue;
        }
        long[] c = perDevice.computeIfAbsent(d.name(), n -> new long[3]);
        expectedAt.computeIfAbsent(d.name(), n -> new HashSet<>()).add(key);
        expected++;
        c[0]++;
        if (got.get(d.name()).containsKey(key)) {
          delivered++;
          c[1]++;
        } else {
          lost++;
          c[2]++;
          detail(
              details,
              "LOST at "
                  + d.name()
                  + ": "
                  + s
                  + (archive == null
                      ? ""
                      : archivedAs.isEmpty()
                          ? "; not in the archive"
                          : "; in the archive as "
                              + archivedAs
                              + ", device sync point "
                              + d.syncPoint()));
        }
      }
    }

    long duplicates = 0;
    long redundant = 0;
    long outOfOrder = 0;
    long inversions = 0;
    long extra = 0;
    List<DeviceCounts> counts = new ArrayList<>();
    for (DeviceState d : devices) {
      Map<Key, List<Reception>> m = got.get(d.name());
      Set<Key> exp = expectedAt.getOrDefault(d.name(), Set.of());
      long dDup = 0;
      long live = 0;
      long delayed = 0;
      long mam = 0;
      long carbon = 0;
      for (Map.Entry<Key, List<Reception>> e : m.entrySet()) {
        Set<String> distinct = new HashSet<>();
        int noId = 0;
        for (Reception r : e.getValue()) {
          if (r.stanzaId() == null) {
            noId++;
          } else {
            distinct.add(r.stanzaId());
          }
        }
        int keys = distinct.size() + noId;
        if (keys > 1) {
          dDup += keys - 1;
          detail(
              details,
              "DUPLICATE at " + d.name() + ": " + e.getKey() + " received as " + e.getValue());
        }
        redundant += e.getValue().size() - keys;
        if (!exp.contains(e.getKey())) {
          extra++;
        }
        switch (first(e.getValue()).via()) {
          case LIVE -> live++;
          case DELAYED -> delayed++;
          case CARBON -> carbon++;
          case MAM -> mam++;
        }
      }
      duplicates += dDup;
      long order = outOfOrder(d, m, details, false);
      outOfOrder += order;
      inversions += outOfOrder(d, m, details, true);
      long[] c = perDevice.getOrDefault(d.name(), new long[3]);
      counts.add(
          new DeviceCounts(d.name(), c[0], c[1], c[2], live, delayed, carbon, mam, dDup, order));
    }
    List<String> notRead = new ArrayList<>();
    for (String user : accounts) {
      if (!archives.containsKey(user)) {
        notRead.add(user);
        detail(details, "ARCHIVE NOT READ of " + user + ": what it misses is unknown");
      }
    }
    return new Report(
        sent,
        acked,
        bounced,
        expected,
        delivered,
        lost,
        duplicates,
        redundant,
        outOfOrder,
        inversions,
        extra,
        unackedDelivered,
        missingFromArchive,
        notRead,
        counts,
        notBack,
        details);
  }

  private static Reception first(List<Reception> rs) {
    return rs.stream().min(Comparator.comparingLong(Reception::arrival)).orElseThrow();
  }

  /**
   * Out-of-order messages at one device: per sender, messages in archive order (or arrival order,
   * see the class comment), each counted when its seq is below the highest seq before it.
   */
  private static long outOfOrder(
      DeviceState d, Map<Key, List<Reception>> got, List<String> details, boolean arrival) {
    Map<String, List<Reception>> bySender = new TreeMap<>();
    for (List<Reception> rs : got.values()) {
      Reception pick;
      if (arrival) {
        pick =
            rs.stream()
                .filter(r -> r.via() != Via.MAM)
                .min(Comparator.comparingLong(Reception::arrival))
                .orElse(null);
      } else {
        pick =
            rs.stream()
                .filter(r -> r.stanzaId() != null)
                .min(Comparator.comparing(Reception::stanzaId))
                .orElse(first(rs));
      }
      if (pick != null) {
        bySender.computeIfAbsent(pick.sender(), s -> new ArrayList<>()).add(pick);
      }
    }
    long n = 0;
    for (List<Reception> rs : bySender.values()) {
      boolean byId = !arrival && rs.stream().allMatch(r -> r.stanzaId() != null);
      rs.sort(
          byId
              ? Comparator.comparing(Reception::stanzaId)
              : Comparator.comparingLong(Reception::arrival));
      long max = -1;
      for (Reception r : rs) {
        if (r.seq() < max) {
          n++;
          detail(
              details,
              (arrival ? "arrival inversion at " : "OUT OF ORDER at ")
                  + d.name()
                  + ": "
                  + r
                  + " after seq "
                  + max
                  + (byId ? " (by stanza-id)" : " (by arrival)"));
        } else {
          max = r.seq();
        }
      }
    }
    return n;
  }

  private static void detail(List<String> details, String line) {
    details.add(line);
  }
}
