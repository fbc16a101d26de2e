package dev.switchboard.server.mod.carbons;

import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.user.AccountHooks;

/**
 * Message Carbons (XEP-0280 1.0.1): a resource that enabled carbons gets a copy of every chat-like
 * message its account sends from another resource ({@code <sent/>}) or receives on another resource
 * ({@code <received/>}), so that all of a user's devices show the whole conversation. Enabling is
 * per resource and lasts as long as the session.
 *
 * <p>It also carries the message-level specifications that decide what is copied: XEP-0334's {@code
 * <no-copy/>} (and XEP-0280's own {@code <private/>}) keep a message out of carbons, and XEP-0184
 * receipts and XEP-0333 chat markers count as chat-like even in a message without a body. The
 * server routes all of these untouched; offline storage keeps receipts and markers and honours
 * {@code <no-store/>} (see {@code MessageHints}).
 */
@Implements(spec = "XEP-0280", version = "1.0.1")
@Implements(
    spec = "XEP-0334",
    version = "0.3.0",
    note = "no-copy keeps a message out of carbons; no-store and store steer offline storage")
@Implements(
    spec = "XEP-0184",
    version = "1.4.0",
    note = "receipts routed untouched, stored offline and carbon-copied")
@Implements(
    spec = "XEP-0333",
    version = "0.4",
    note = "markers routed untouched, stored offline and carbon-copied")
public final class CarbonsModule implements Module {
  @Override
  public String name() {
    return "carbons";
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    CarbonsFeature carbons = new CarbonsFeature();
    int at = AccountHooks.CARBONS;
    return Registrations.builder()
        .accountIq(Carbons.NS, carbons::handleIq)
        // clients look for it on their server (XEP-0280 section 4)
        .serverFeature(Carbons.NS)
        .on(AccountHooks.SENDING, at, e -> carbons.sending(e.ctx(), e.from(), e.message()))
        .on(AccountHooks.DELIVERED, at, e -> carbons.delivered(e.ctx(), e.message(), e.to()))
        .on(AccountHooks.SESSION_ENDED, at, e -> carbons.sessionEnded(e.ctx(), e.session()))
        .on(AccountHooks.SESSION_REBOUND, at, e -> carbons.rebound(e.ctx(), e.session(), e.kept()))
        .build();
  }
}
