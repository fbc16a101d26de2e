package dev.switchboard.server.mod.offline;

import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;

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

  @Override
  public Registrations start(ModuleContext ctx) {
    OfflineFeature feature =
        new OfflineFeature(
            new JdbcOfflineStore(),
            ctx.committer(),
            ctx.config().domain(),
            ctx.options().getInt("max-per-user"));
    return Registrations.builder().userFeature(feature).serverFeature("msgoffline").build();
  }
}
