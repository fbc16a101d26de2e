package dev.switchboard.server.mod.roster;

import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;

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

  @Override
  public Registrations start(ModuleContext ctx) {
    RosterFeature roster =
        new RosterFeature(
            new JdbcRosterStore(ctx.database()), ctx.blocking(), ctx.options().getInt("max-items"));
    return Registrations.builder()
        .accountIq(NS, roster::handleIq)
        .userFeature(roster)
        .userFeature(new PresenceFeature())
        .postAuthFeature(Element.of("ver", VER_FEATURE))
        .postAuthFeature(Element.of("sub", PREAPPROVAL_FEATURE))
        .build();
  }
}
