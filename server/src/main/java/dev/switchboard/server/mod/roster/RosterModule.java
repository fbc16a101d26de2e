package dev.switchboard.server.mod.roster;

import dev.switchboard.server.hook.HookResult;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Option;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.user.AccountHooks;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import java.util.List;

/**
 * Instant messaging and presence (RFC 6121): rosters with versioning, the subscription state
 * machine with pre-approval, and presence broadcast, all decided in each account's user actor.
 */
@Implements(spec = "RFC 6121", note = "rosters, subscriptions, presence")
@Implements(spec = "RFC 6121 2.6", note = "roster versioning")
@Implements(spec = "RFC 6121 3.4", note = "subscription pre-approval")
public final class RosterModule implements Module {
  public static final String NS = "jabber:iq:roster";
  static final String VER_FEATURE = "urn:xmpp:features:rosterver";
  static final String PREAPPROVAL_FEATURE = "urn:xmpp:features:pre-approval";

  /** Whether {@code contact} is in the account's roster; for other modules' policies. */
  public static boolean inRoster(UserContext ctx, Jid contact) {
    return RosterFeature.contains(ctx, contact);
  }

  @Override
  public String name() {
    return "roster";
  }

  static final Option<Integer> MAX_ITEMS =
      Option.atLeast(
          "max-items",
          2000,
          1,
          "Most contacts one account may have; a roster set beyond it gets <not-allowed/>.");

  @Override
  public List<Option<?>> options() {
    return List.of(MAX_ITEMS);
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    RosterFeature roster =
        new RosterFeature(
            new JdbcRosterStore(ctx.database()), ctx.blocking(), ctx.option(MAX_ITEMS));
    PresenceFeature presence = new PresenceFeature();
    int r = AccountHooks.ROSTER;
    int p = AccountHooks.PRESENCE;
    return Registrations.builder()
        .accountIq(NS, roster::handleIq)
        .postAuthFeature(Element.of("ver", VER_FEATURE))
        .postAuthFeature(Element.of("sub", PREAPPROVAL_FEATURE))
        .on(
            AccountHooks.LOADING,
            r,
            e -> {
              e.load(roster.load(e.account()));
              e.load(presence.load());
            })
        .hook(
            AccountHooks.STANZA_OUT,
            r,
            e -> HookResult.stopIf(roster.outgoing(e.ctx(), e.from(), e.stanza())))
        .hook(
            AccountHooks.STANZA_IN, r, e -> HookResult.stopIf(roster.incoming(e.ctx(), e.stanza())))
        .on(AccountHooks.ACCOUNT_DELETED, r, e -> roster.accountDeleted(e.ctx()))
        .hook(
            AccountHooks.STANZA_OUT,
            p,
            e -> HookResult.stopIf(presence.outgoing(e.ctx(), e.from(), e.stanza())))
        .hook(
            AccountHooks.STANZA_IN,
            p,
            e -> HookResult.stopIf(presence.incoming(e.ctx(), e.stanza())))
        .on(
            AccountHooks.SESSION_ENDED,
            p,
            e -> presence.sessionEnded(e.ctx(), e.session(), e.finalPresence()))
        .build();
  }
}
