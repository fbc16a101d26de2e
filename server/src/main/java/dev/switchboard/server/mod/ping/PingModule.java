package dev.switchboard.server.mod.ping;

import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.concurrent.CompletableFuture;

/**
 * Answers pings to the server and to accounts' bare JIDs. The other direction, the server pinging a
 * quiet client before it gives up on the connection, is the session's keepalive.
 */
@Implements(spec = "XEP-0199", version = "2.0.1")
public final class PingModule implements Module {
  public static final String NS = "urn:xmpp:ping";

  @Override
  public String name() {
    return "ping";
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    return Registrations.builder()
        .serverIq(NS, iq -> CompletableFuture.completedFuture(pong(iq)))
        .accountIq(NS, (u, iq) -> u.route(pong(iq)))
        .build();
  }

  private static Element pong(Iq iq) {
    return iq.isGet() ? iq.result() : iq.error(StanzaErrorCondition.BAD_REQUEST);
  }
}
