package dev.switchboard.server.mod.offline;

import dev.switchboard.server.hook.HookResult;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Option;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.user.AccountHooks;
import java.util.List;

/**
 * Offline messages: a chat or normal message for an account with no available resource is stored
 * (durably, before its sender's acknowledgement) and handed to the next resource that sends initial
 * presence, oldest first, with a delay stamp; it is deleted once that client acknowledges it.
 */
@Implements(spec = "XEP-0160", version = "1.0.1")
@Implements(spec = "XEP-0203", version = "2.0", note = "delay stamps on stored messages")
public final class OfflineModule implements Module {
  @Override
  public String name() {
    return "offline";
  }

  static final Option<Integer> MAX_PER_USER =
      Option.atLeast(
          "max-per-user",
          1000,
          0,
          "Messages kept for one account while it is offline; beyond it senders get"
              + " <service-unavailable/>.");

  @Override
  public List<Option<?>> options() {
    return List.of(MAX_PER_USER);
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    OfflineFeature offline =
        new OfflineFeature(
            new JdbcOfflineStore(), ctx.committer(), ctx.domain(), ctx.option(MAX_PER_USER));
    int at = AccountHooks.OFFLINE;
    return Registrations.builder()
        .serverFeature("msgoffline")
        .on(AccountHooks.LOADING, at, e -> e.load(offline.load(e.account())))
        .hook(
            AccountHooks.UNDELIVERABLE,
            at,
            e -> HookResult.stopIf(offline.undeliverable(e.ctx(), e.message(), e.writes())))
        .on(AccountHooks.SESSION_AVAILABLE, at, e -> e.add(offline.pending(e.ctx(), e.session())))
        .on(
            AccountHooks.STORED_ACKNOWLEDGED,
            at,
            e -> offline.acknowledged(e.ctx(), e.storedKeys()))
        .build();
  }
}
