package dev.switchboard.server.mod.disco;

import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.module.DiscoFeatures;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Service discovery for the server's domain and for accounts' bare JIDs. The feature lists are the
 * namespaces modules registered handlers for, so they list exactly what is implemented.
 */
@Implements(spec = "XEP-0030", version = "2.5rc3")
public final class DiscoModule implements Module {
  public static final String INFO = "http://jabber.org/protocol/disco#info";
  public static final String ITEMS = "http://jabber.org/protocol/disco#items";

  @Override
  public String name() {
    return "disco";
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    DiscoFeatures features = ctx.features();
    return Registrations.builder()
        .serverIq(
            INFO,
            iq ->
                CompletableFuture.completedFuture(
                    info(iq, "server", "im", "Switchboard", features.server())))
        .serverIq(ITEMS, iq -> CompletableFuture.completedFuture(items(iq)))
        .accountIq(INFO, (UserContext u, Iq iq) -> accountInfo(u, iq, features))
        .accountIq(ITEMS, (UserContext u, Iq iq) -> u.route(items(iq)))
        .build();
  }

  private static void accountInfo(UserContext u, Iq iq, DiscoFeatures features) {
    u.route(info(iq, "account", "registered", null, features.account()));
  }

  private static Element info(
      Iq iq, String category, String type, String name, Set<String> features) {
    if (!iq.isGet()) {
      return iq.error(StanzaErrorCondition.BAD_REQUEST);
    }
    if (iq.payload().attr("node") != null) {
      return iq.error(StanzaErrorCondition.ITEM_NOT_FOUND);
    }
    Element.Builder q = Element.builder("query", INFO);
    q.child(
        Element.builder("identity", INFO)
            .attr("category", category)
            .attr("type", type)
            .attr("name", name)
            .build());
    for (String f : features) {
      q.child(Element.builder("feature", INFO).attr("var", f).build());
    }
    return iq.result(q.build());
  }

  private static Element items(Iq iq) {
    if (!iq.isGet()) {
      return iq.error(StanzaErrorCondition.BAD_REQUEST);
    }
    if (iq.payload().attr("node") != null) {
      return iq.error(StanzaErrorCondition.ITEM_NOT_FOUND);
    }
    return iq.result(Element.of("query", ITEMS));
  }
}
