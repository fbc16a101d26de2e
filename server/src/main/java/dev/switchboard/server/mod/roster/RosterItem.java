package dev.switchboard.server.mod.roster;

import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.Set;

/**
 * One contact in a roster with its RFC 6121 subscription state.
 *
 * @param to the user receives the contact's presence
 * @param from the contact receives the user's presence
 * @param pendingOut the user asked to subscribe and awaits an answer ({@code ask="subscribe"})
 * @param approved the user pre-approved the contact's subscription (RFC 6121 3.4)
 */
public record RosterItem(
    Jid contact,
    String name,
    Set<String> groups,
    boolean to,
    boolean from,
    boolean pendingOut,
    boolean approved) {

  public RosterItem {
    groups = Set.copyOf(groups);
  }

  public static RosterItem of(Jid contact) {
    return new RosterItem(contact, null, Set.of(), false, false, false, false);
  }

  public String subscription() {
    if (to && from) {
      return "both";
    }
    return to ? "to" : from ? "from" : "none";
  }

  public RosterItem withTo(boolean v) {
    return new RosterItem(contact, name, groups, v, from, pendingOut, approved);
  }

  public RosterItem withFrom(boolean v) {
    return new RosterItem(contact, name, groups, to, v, pendingOut, approved);
  }

  public RosterItem withPendingOut(boolean v) {
    return new RosterItem(contact, name, groups, to, from, v, approved);
  }

  public RosterItem withApproved(boolean v) {
    return new RosterItem(contact, name, groups, to, from, pendingOut, v);
  }

  public RosterItem withNameAndGroups(String n, Set<String> g) {
    return new RosterItem(contact, n, g, to, from, pendingOut, approved);
  }

  /** The {@code <item/>} of roster results and pushes. */
  public Element toElement() {
    Element.Builder b =
        Element.builder("item", RosterModule.NS)
            .attr("jid", contact.toString())
            .attr("name", name)
            .attr("subscription", subscription());
    if (pendingOut) {
      b.attr("ask", "subscribe");
    }
    if (approved) {
      b.attr("approved", "true");
    }
    groups.stream().sorted().forEach(g -> b.textChild("group", g));
    return b.build();
  }
}
