package dev.switchboard.server.mod.roster;

import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.user.SessionEntry;
import dev.switchboard.server.user.StateKey;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rosters (RFC 6121 section 2) and the subscription state machine (section 3 and appendix A),
 * including pre-approval, run inside each account's user actor. Every change is written to the
 * store before it is acknowledged, pushed to the resources that fetched the roster, or routed.
 */
final class RosterFeature {
  private static final Logger LOG = LoggerFactory.getLogger(RosterFeature.class);
  static final StateKey<Roster> STATE = StateKey.named("roster");
  private static final AtomicLong PUSH_IDS = new AtomicLong();

  /** Longest item name or group name accepted; longer ones get not-acceptable (RFC 6121 2.3.3). */
  private static final int MAX_TEXT = 1023;

  private final RosterStore store;
  private final BlockingExecutor blocking;
  private final int maxItems;

  RosterFeature(RosterStore store, BlockingExecutor blocking, int maxItems) {
    this.store = store;
    this.blocking = blocking;
    this.maxItems = maxItems;
  }

  static Roster roster(UserContext ctx) {
    return ctx.get(STATE);
  }

  CompletionStage<Consumer<UserContext>> load(Jid account) {
    return blocking.submit(() -> store.load(account)).thenApply(r -> ctx -> ctx.put(STATE, r));
  }

  // ---- roster IQs (RFC 6121 2.1-2.5) ----

  void handleIq(UserContext ctx, Iq iq) {
    if (!iq.from().toBare().equals(ctx.jid())) {
      ctx.route(iq.error(StanzaErrorCondition.FORBIDDEN));
      return;
    }
    if (iq.isGet()) {
      get(ctx, iq);
    } else {
      set(ctx, iq);
    }
  }

  private void get(UserContext ctx, Iq iq) {
    Roster r = roster(ctx);
    ctx.session(iq.from().resource()).ifPresent(s -> ctx.update(s.withRosterRequested()));
    String ver = iq.payload().attr("ver");
    if (ver != null && ver.equals(Long.toString(r.version()))) {
      ctx.route(iq.result()); // unchanged since the client's copy (RFC 6121 2.6.3)
      return;
    }
    Element.Builder q =
        Element.builder("query", RosterModule.NS).attr("ver", Long.toString(r.version()));
    r.items().forEach(i -> q.child(i.toElement()));
    ctx.route(iq.result(q.build()));
  }

  private void set(UserContext ctx, Iq iq) {
    var items = iq.payload().elements();
    if (items.size() != 1 || !items.get(0).is("item", RosterModule.NS)) {
      ctx.route(iq.error(StanzaErrorCondition.BAD_REQUEST, "exactly one item"));
      return;
    }
    Element item = items.get(0);
    Jid contact = Jid.tryParse(item.attr("jid"));
    if (contact == null) {
      ctx.route(iq.error(StanzaErrorCondition.BAD_REQUEST, "invalid jid"));
      return;
    }
    contact = contact.toBare();
    Roster r = roster(ctx);
    if ("remove".equals(item.attr("subscription"))) {
      remove(ctx, iq, contact);
      return;
    }
    String name = item.attr("name");
    if (name != null && name.length() > MAX_TEXT) {
      ctx.route(iq.error(StanzaErrorCondition.NOT_ACCEPTABLE, "overlong name"));
      return;
    }
    Set<String> groups = new HashSet<>();
    for (Element g : item.elements()) {
      if (!g.is("group", RosterModule.NS)) {
        continue;
      }
      String text = g.text();
      if (text.isEmpty() || text.length() > MAX_TEXT) {
        ctx.route(iq.error(StanzaErrorCondition.NOT_ACCEPTABLE, "empty or overlong group"));
        return;
      }
      if (!groups.add(text)) {
        ctx.route(iq.error(StanzaErrorCondition.BAD_REQUEST, "duplicate group"));
        return;
      }
    }
    RosterItem old = r.get(contact);
    if (old == null && r.size() >= maxItems) {
      ctx.route(iq.error(StanzaErrorCondition.NOT_ALLOWED, "roster is full"));
      return;
    }
    RosterItem updated =
        (old == null ? RosterItem.of(contact) : old).withNameAndGroups(name, groups);
    save(ctx, updated, () -> ctx.route(iq.result()), iq);
  }

  private void remove(UserContext ctx, Iq iq, Jid contact) {
    Roster r = roster(ctx);
    RosterItem old = r.get(contact);
    if (old == null) {
      ctx.route(iq.error(StanzaErrorCondition.ITEM_NOT_FOUND));
      return;
    }
    boolean pendingIn = r.hasPendingIn(contact);
    long version = r.remove(contact);
    r.removePendingIn(contact);
    ctx.await(
        blocking.submit(
            () -> {
              store.remove(ctx.jid(), contact, version);
              return null;
            }),
        (v, e) -> {
          if (e != null) {
            failed(ctx, iq, e);
            return;
          }
          ctx.route(iq.result());
          push(ctx, RosterItem.of(contact), true);
          // RFC 6121 2.5.2: cancel both directions of the subscription
          if (old.to() || old.pendingOut()) {
            ctx.route(subscription("unsubscribe", ctx.jid(), contact));
          }
          if (old.from() || pendingIn) {
            ctx.route(subscription("unsubscribed", ctx.jid(), contact));
            PresenceBroadcast.unavailableTo(ctx, contact);
          }
        });
  }

  /** RFC 6121 2.5.2 for a deleted account: every contact's subscription ends, both ways. */
  void accountDeleted(UserContext ctx) {
    Roster r = roster(ctx);
    for (RosterItem item : r.items()) {
      if (item.to() || item.pendingOut()) {
        ctx.route(subscription("unsubscribe", ctx.jid(), item.contact()));
      }
      if (item.from()) {
        ctx.route(subscription("unsubscribed", ctx.jid(), item.contact()));
      }
    }
    for (Jid pending : r.pendingIn().keySet()) {
      ctx.route(subscription("unsubscribed", ctx.jid(), pending));
    }
  }

  /** Whether the account has this contact in its roster (for archiving preferences). */
  static boolean contains(UserContext ctx, Jid contact) {
    Roster r = roster(ctx);
    return r != null && r.get(contact.toBare()) != null;
  }

  // ---- subscription presence ----

  static boolean isSubscription(Element presence) {
    String t = presence.attr("type");
    return "subscribe".equals(t)
        || "subscribed".equals(t)
        || "unsubscribe".equals(t)
        || "unsubscribed".equals(t);
  }

  /** A subscription request or answer from the user to a contact (RFC 6121 3.1.2 etc.). */
  boolean outgoing(UserContext ctx, SessionEntry from, Element p) {
    if (!p.name().equals("presence") || !isSubscription(p) || p.attr("to") == null) {
      return false;
    }
    Jid contact = Jid.tryParse(p.attr("to"));
    if (contact == null) {
      return true;
    }
    contact = contact.toBare();
    Roster r = roster(ctx);
    RosterItem item = r.get(contact);
    RosterItem base = item == null ? RosterItem.of(contact) : item;
    // outbound subscription stanzas carry the user's bare JID (RFC 6121 3.1.2)
    Element out = p.withFrom(ctx.jid()).withTo(contact);
    Jid c = contact;
    switch (p.attr("type")) {
      case "subscribe" -> {
        if (base.to() || base.pendingOut()) {
          ctx.route(out);
        } else {
          save(ctx, base.withPendingOut(true), () -> ctx.route(out), null);
        }
      }
      case "subscribed" -> {
        if (dropPending(ctx, contact)) {
          save(
              ctx,
              base.withFrom(true).withApproved(false),
              () -> {
                ctx.route(out);
                PresenceBroadcast.currentTo(ctx, c);
              },
              null);
        } else if (!base.from() && !base.approved()) {
          save(ctx, base.withApproved(true), () -> {}, null); // pre-approval (RFC 6121 3.4)
        }
      }
      case "unsubscribe" -> {
        if (item != null && (item.to() || item.pendingOut())) {
          save(ctx, item.withTo(false).withPendingOut(false), () -> ctx.route(out), null);
        } else {
          ctx.route(out);
        }
      }
      case "unsubscribed" -> {
        boolean pendingIn = dropPending(ctx, contact);
        if (item != null && (item.from() || item.approved())) {
          boolean wasFrom = item.from();
          save(
              ctx,
              item.withFrom(false).withApproved(false),
              () -> {
                ctx.route(out);
                if (wasFrom) {
                  PresenceBroadcast.unavailableTo(ctx, c);
                }
              },
              null);
        } else if (pendingIn) {
          ctx.route(out);
        }
      }
      default -> throw new IllegalStateException();
    }
    return true;
  }

  /** A subscription stanza from a contact to this account (RFC 6121 3.1.3 etc.). */
  boolean incoming(UserContext ctx, Element p) {
    if (!p.name().equals("presence") || !isSubscription(p)) {
      return false;
    }
    Jid contact = Jid.tryParse(p.attr("from"));
    if (contact == null) {
      return true;
    }
    contact = contact.toBare();
    Jid c = contact;
    Roster r = roster(ctx);
    RosterItem item = r.get(contact);
    Element in = p.withFrom(contact).withTo(ctx.jid());
    switch (p.attr("type")) {
      case "subscribe" -> {
        if (item != null && item.from()) {
          ctx.route(subscription("subscribed", ctx.jid(), contact)); // already approved
        } else if (item != null && item.approved()) {
          save(
              ctx,
              item.withFrom(true).withApproved(false),
              () -> {
                ctx.route(subscription("subscribed", ctx.jid(), c));
                PresenceBroadcast.currentTo(ctx, c);
              },
              null);
        } else {
          r.addPendingIn(contact, in.toXml());
          ctx.await(
              blocking.submit(
                  () -> {
                    store.putPendingIn(ctx.jid(), c, in.toXml());
                    return null;
                  }),
              (v, e) -> {
                if (e != null) {
                  LOG.error("storing a subscription request for {} failed", ctx.jid(), e);
                }
                deliverToAvailable(ctx, in);
              });
        }
      }
      case "subscribed" -> {
        if (item != null && item.pendingOut()) {
          save(
              ctx,
              item.withTo(true).withPendingOut(false),
              () -> deliverToAvailable(ctx, in),
              null);
        }
      }
      case "unsubscribe" -> {
        boolean pendingIn = dropPending(ctx, contact);
        if (item != null && item.from()) {
          save(
              ctx,
              item.withFrom(false),
              () -> {
                deliverToAvailable(ctx, in);
                PresenceBroadcast.unavailableTo(ctx, c);
              },
              null);
        } else if (pendingIn) {
          deliverToAvailable(ctx, in);
        }
      }
      case "unsubscribed" -> {
        if (item != null && (item.to() || item.pendingOut())) {
          save(
              ctx,
              item.withTo(false).withPendingOut(false),
              () -> deliverToAvailable(ctx, in),
              null);
        }
      }
      default -> throw new IllegalStateException();
    }
    return true;
  }

  /**
   * Forgets the contact's pending subscription request, in memory and in the store (so that it is
   * not shown again after the account is reloaded); false if there was none.
   */
  private boolean dropPending(UserContext ctx, Jid contact) {
    Roster r = roster(ctx);
    if (!r.hasPendingIn(contact)) {
      return false;
    }
    r.removePendingIn(contact);
    ctx.await(
        blocking.submit(
            () -> {
              store.removePendingIn(ctx.jid(), contact);
              return null;
            }),
        (v, e) -> {
          if (e != null) {
            LOG.error("removing a subscription request for {} failed", ctx.jid(), e);
          }
        });
    return true;
  }

  private static void deliverToAvailable(UserContext ctx, Element stanza) {
    for (SessionEntry s : ctx.sessions()) {
      if (s.available()) {
        ctx.deliver(s, stanza);
      }
    }
  }

  static Element subscription(String type, Jid from, Jid to) {
    return Element.builder("presence", Namespaces.CLIENT)
        .attr("from", from.toString())
        .attr("to", to.toString())
        .attr("type", type)
        .build();
  }

  /**
   * Writes an item, then pushes it and runs {@code then}. On a storage failure the requester (if
   * any) gets internal-server-error and nothing is pushed or routed.
   */
  private void save(UserContext ctx, RosterItem item, Runnable then, Iq requester) {
    long version = roster(ctx).put(item);
    ctx.await(
        blocking.submit(
            () -> {
              store.put(ctx.jid(), item, version);
              return null;
            }),
        (v, e) -> {
          if (e != null) {
            failed(ctx, requester, e);
            return;
          }
          then.run();
          push(ctx, item, false);
        });
  }

  private void failed(UserContext ctx, Iq requester, Throwable e) {
    LOG.error("roster update for {} failed", ctx.jid(), e);
    if (requester != null) {
      ctx.route(requester.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR));
    }
  }

  /** Roster push (RFC 6121 2.1.6) to every resource that fetched the roster. */
  private static void push(UserContext ctx, RosterItem item, boolean removed) {
    Element itemEl =
        removed
            ? Element.builder("item", RosterModule.NS)
                .attr("jid", item.contact().toString())
                .attr("subscription", "remove")
                .build()
            : item.toElement();
    Element query =
        Element.builder("query", RosterModule.NS)
            .attr("ver", Long.toString(roster(ctx).version()))
            .child(itemEl)
            .build();
    for (SessionEntry s : ctx.sessions()) {
      if (s.rosterRequested()) {
        ctx.deliver(
            s,
            Element.builder("iq", Namespaces.CLIENT)
                .attr("from", ctx.jid().toString())
                .attr("to", s.jid().toString())
                .attr("type", "set")
                .attr("id", "push" + PUSH_IDS.incrementAndGet())
                .child(query)
                .build());
      }
    }
  }
}
