package dev.switchboard.server.mod.mam;

import dev.switchboard.xmpp.Jid;
import java.util.Set;

/**
 * XEP-0313 archiving preferences: a default, and JIDs always or never archived.
 *
 * @param defaultMode "always", "roster" or "never"
 */
public record ArchivePrefs(String defaultMode, Set<Jid> always, Set<Jid> never) {
  public static final ArchivePrefs DEFAULT = new ArchivePrefs("always", Set.of(), Set.of());

  public ArchivePrefs {
    if (!defaultMode.equals("always")
        && !defaultMode.equals("roster")
        && !defaultMode.equals("never")) {
      throw new IllegalArgumentException("default must be always, roster or never");
    }
    // preferences match accounts: a JID given with a resource counts for its bare JID
    always =
        always.stream().map(Jid::toBare).collect(java.util.stream.Collectors.toUnmodifiableSet());
    never =
        never.stream().map(Jid::toBare).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** Whether a message with {@code with} (bare JID) is archived; {@code inRoster} for "roster". */
  public boolean archives(Jid with, boolean inRoster) {
    if (never.contains(with)) {
      return false;
    }
    if (always.contains(with)) {
      return true;
    }
    return switch (defaultMode) {
      case "always" -> true;
      case "roster" -> inRoster;
      default -> false;
    };
  }
}
