package dev.switchboard.server.mod.carbons;

import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.user.SessionEntry;
import dev.switchboard.server.user.StateKey;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * XEP-0280 inside each account's user actor: which resources enabled carbons, and the copies of
 * what the account sends and receives.
 */
final class CarbonsFeature {
  /** The resources of this account that enabled carbons. */
  private static final StateKey<Set<String>> ENABLED = StateKey.named("carbons-enabled");

  /** What a session keeps for the account's next owner: carbons stay on across a node failure. */
  private static final String KEPT = "carbons";

  void rebound(UserContext ctx, SessionEntry session, Map<String, String> kept) {
    if ("on".equals(kept.get(KEPT))) {
      enabled(ctx).add(session.resource());
    }
  }

  /**
   * {@code <enable/>} or {@code <disable/>} (section 4, 5), from one of the account's resources.
   */
  void handleIq(UserContext ctx, Iq iq) {
    Jid from = iq.from();
    if (!from.toBare().equals(ctx.jid()) || !from.isFull()) {
      ctx.route(iq.error(StanzaErrorCondition.FORBIDDEN));
      return;
    }
    String op = iq.payload().name();
    if (!iq.isSet() || !op.equals("enable") && !op.equals("disable")) {
      ctx.route(iq.error(StanzaErrorCondition.BAD_REQUEST));
      return;
    }
    var session = ctx.session(from.resource());
    if (session.isEmpty()) {
      return; // the session ended meanwhile
    }
    if (op.equals("enable")) {
      enabled(ctx).add(from.resource());
      ctx.keepForRebind(session.get(), KEPT, "on");
    } else {
      enabled(ctx).remove(from.resource());
      ctx.keepForRebind(session.get(), KEPT, null);
    }
    ctx.route(iq.result());
  }

  private static Set<String> enabled(UserContext ctx) {
    Set<String> s = ctx.get(ENABLED);
    if (s == null) {
      s = new HashSet<>();
      ctx.put(ENABLED, s);
    }
    return s;
  }

  void sessionEnded(UserContext ctx, SessionEntry ended) {
    Set<String> s = ctx.get(ENABLED);
    if (s != null) {
      s.remove(ended.resource());
    }
  }

  /** Sent carbons (section 6): to the account's other resources that enabled carbons. */
  void sending(UserContext ctx, SessionEntry from, Element message) {
    Jid to = message.toJid();
    // a message to the account itself reaches its resources as received carbons instead
    if (to != null && !to.toBare().equals(ctx.jid()) && Carbons.eligible(message)) {
      copy(ctx, "sent", message, List.of(from));
    }
  }

  /**
   * Received carbons (section 6): to every resource that enabled carbons and did not get the
   * message itself, also when it was addressed to another resource's full JID.
   */
  void delivered(UserContext ctx, Element message, List<SessionEntry> to) {
    if (Carbons.eligible(message)) {
      copy(ctx, "received", message, to);
    }
  }

  private static void copy(
      UserContext ctx, String direction, Element message, List<SessionEntry> except) {
    Set<String> on = ctx.get(ENABLED);
    if (on == null || on.isEmpty()) {
      return;
    }
    for (SessionEntry s : ctx.sessions()) {
      if (on.contains(s.resource()) && !contains(except, s)) {
        ctx.deliver(s, Carbons.copy(direction, ctx.jid(), s.jid(), message));
      }
    }
  }

  private static boolean contains(List<SessionEntry> list, SessionEntry s) {
    for (SessionEntry e : list) {
      if (e.resource().equals(s.resource())) {
        return true;
      }
    }
    return false;
  }
}
