package dev.switchboard.server.mod.roster;

import dev.switchboard.server.user.SessionEntry;
import dev.switchboard.server.user.StateKey;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.XmlReader;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Presence (RFC 6121 section 4): initial presence with probes, broadcast to subscribers and the
 * account's other resources, directed presence, probe answers, and unavailable presence when a
 * session goes away for whatever reason.
 */
final class PresenceFeature {
  /** Per resource: who got directed presence and must hear when it goes unavailable. */
  private static final StateKey<Map<String, Set<Jid>>> DIRECTED = StateKey.named("directed");

  java.util.concurrent.CompletionStage<Consumer<UserContext>> load() {
    return java.util.concurrent.CompletableFuture.completedFuture(
        ctx -> ctx.put(DIRECTED, new HashMap<>()));
  }

  boolean outgoing(UserContext ctx, SessionEntry from, Element p) {
    if (!p.name().equals("presence") || RosterFeature.isSubscription(p)) {
      return false;
    }
    String type = p.attr("type");
    String to = p.attr("to");
    if (to == null) {
      if (type == null) {
        available(ctx, from, p);
      } else if (type.equals("unavailable")) {
        unavailable(ctx, from, p);
      }
      return true; // a probe or error without 'to' means nothing
    }
    Jid target = Jid.tryParse(to);
    if (target == null) {
      return true;
    }
    Element out = p.withFrom(from.jid());
    if (type == null || type.equals("unavailable")) {
      Set<Jid> directed =
          ctx.get(DIRECTED).computeIfAbsent(from.resource(), k -> new LinkedHashSet<>());
      if (type == null) {
        directed.add(target);
      } else {
        directed.remove(target);
      }
    }
    ctx.route(out);
    return true;
  }

  private void available(UserContext ctx, SessionEntry from, Element p) {
    boolean initial = !from.available();
    Element clean = p.withAttr("from", null).withAttr("to", null);
    SessionEntry now = from.withPresence(clean);
    ctx.update(now);
    Roster roster = RosterFeature.roster(ctx);
    for (RosterItem i : roster.subscribedFrom()) {
      ctx.route(PresenceBroadcast.addressed(clean, from.jid(), i.contact()));
    }
    for (SessionEntry other : ctx.sessions()) {
      if (other.available()) {
        ctx.deliver(other, PresenceBroadcast.addressed(clean, from.jid(), other.jid()));
      }
    }
    if (!initial) {
      return;
    }
    // RFC 6121 4.2.2: probe the contacts we are subscribed to, show the new resource its siblings
    for (RosterItem i : roster.subscribedTo()) {
      ctx.route(
          Element.builder("presence", Namespaces.CLIENT)
              .attr("from", ctx.jid().toString())
              .attr("to", i.contact().toString())
              .attr("type", "probe")
              .build());
    }
    for (SessionEntry other : ctx.sessions()) {
      if (other.available() && !other.resource().equals(from.resource())) {
        ctx.deliver(now, PresenceBroadcast.addressed(other.presence(), other.jid(), now.jid()));
      }
    }
    // subscription requests that arrived while the account was offline (RFC 6121 3.1.3)
    for (String request : roster.pendingIn().values()) {
      ctx.deliver(now, XmlReader.parseElement(request));
    }
  }

  private void unavailable(UserContext ctx, SessionEntry from, Element p) {
    if (from.available()) {
      ctx.update(from.withPresence(null));
    }
    broadcastUnavailable(ctx, from, p.withAttr("to", null));
  }

  void sessionEnded(UserContext ctx, SessionEntry ended, Element finalPresence) {
    Element p =
        finalPresence != null
            ? finalPresence.withAttr("to", null)
            : Element.builder("presence", Namespaces.CLIENT).attr("type", "unavailable").build();
    broadcastUnavailable(ctx, ended, p);
  }

  /**
   * Unavailable presence from one resource (RFC 6121 4.5.2, 4.5.3): to the subscribers and the
   * other resources if it was available, and in any case to everyone it sent directed presence to
   * (4.6.2), even a resource that never broadcast presence.
   */
  private void broadcastUnavailable(UserContext ctx, SessionEntry from, Element p) {
    Set<Jid> sent = new LinkedHashSet<>();
    if (from.available()) {
      for (RosterItem i : RosterFeature.roster(ctx).subscribedFrom()) {
        sent.add(i.contact());
      }
    }
    Set<Jid> directed = ctx.get(DIRECTED).remove(from.resource());
    if (directed != null) {
      sent.addAll(directed);
    }
    for (Jid to : sent) {
      ctx.route(PresenceBroadcast.addressed(p, from.jid(), to));
    }
    if (!from.available()) {
      return;
    }
    for (SessionEntry other : ctx.sessions()) {
      if (other.available() && !other.resource().equals(from.resource())) {
        ctx.deliver(other, PresenceBroadcast.addressed(p, from.jid(), other.jid()));
      }
    }
  }

  boolean incoming(UserContext ctx, Element p) {
    if (!p.name().equals("presence") || RosterFeature.isSubscription(p)) {
      return false;
    }
    Jid from = Jid.tryParse(p.attr("from"));
    Jid to = Jid.tryParse(p.attr("to"));
    if (from == null || to == null) {
      return true;
    }
    if ("probe".equals(p.attr("type"))) {
      probe(ctx, from);
      return true;
    }
    if (to.isFull()) {
      ctx.session(to.resource()).ifPresent(s -> ctx.deliver(s, p));
      return true;
    }
    for (SessionEntry s : ctx.sessions()) {
      if (s.available()) {
        ctx.deliver(s, p);
      }
    }
    return true;
  }

  /** RFC 6121 4.3.2: answer a probe only from a contact entitled to our presence. */
  private void probe(UserContext ctx, Jid prober) {
    Jid contact = prober.toBare();
    RosterItem item = RosterFeature.roster(ctx).get(contact);
    boolean self = contact.equals(ctx.jid());
    if (!self && (item == null || !item.from())) {
      return;
    }
    boolean any = false;
    for (SessionEntry s : ctx.sessions()) {
      if (s.available()) {
        ctx.route(PresenceBroadcast.addressed(s.presence(), s.jid(), prober));
        any = true;
      }
    }
    if (!any) {
      ctx.route(PresenceBroadcast.unavailable(ctx.jid(), prober));
    }
  }
}
