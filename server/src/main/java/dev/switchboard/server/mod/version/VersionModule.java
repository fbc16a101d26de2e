package dev.switchboard.server.mod.version;

import dev.switchboard.server.config.Version;
import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Option;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Software version of the server. The operating system is reported only when {@code
 * switchboard.modules.version.show-os} is true, since it tells an attacker something.
 */
@Implements(spec = "XEP-0092", version = "1.1")
public final class VersionModule implements Module {
  public static final String NS = "jabber:iq:version";

  @Override
  public String name() {
    return "version";
  }

  static final Option<Boolean> SHOW_OS =
      Option.bool(
          "show-os",
          false,
          "Include the operating system in software version answers; it tells an attacker something.");

  @Override
  public List<Option<?>> options() {
    return List.of(SHOW_OS);
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    boolean showOs = ctx.option(SHOW_OS);
    return Registrations.builder()
        .serverIq(NS, iq -> CompletableFuture.completedFuture(reply(iq, showOs)))
        .build();
  }

  private static Element reply(Iq iq, boolean showOs) {
    if (!iq.isGet()) {
      return iq.error(StanzaErrorCondition.BAD_REQUEST);
    }
    Element.Builder q =
        Element.builder("query", NS)
            .textChild("name", "Switchboard")
            .textChild("version", Version.current());
    if (showOs) {
      q.textChild("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }
    return iq.result(q.build());
  }
}
