package dev.switchboard.server.mod.disco;

import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.module.Disco;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Service discovery for a hosted domain and for its accounts' bare JIDs. Identities, features and
 * items are what the domain's modules registered (features include every IQ namespace with a
 * handler; items include the component domains modules serve), so they list exactly what is
 * implemented.
 */
@Implements(spec = "XEP-0030", version = "2.5rc3")
public final class DiscoModule implements Module {
  public static final String INFO = "http://jabber.org/protocol/disco#info";
  public static final String ITEMS = "http://jabber.org/protocol/disco#items";

  private static final List<Disco.Identity> ACCOUNT =
      List.of(new Disco.Identity("account", "registered", null));

  @Override
  public String name() {
    return "disco";
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    Disco disco = ctx.disco();
    return Registrations.builder()
        .serverIq(
            INFO,
            iq ->
                CompletableFuture.completedFuture(
                    info(iq, disco.identities(), disco.serverFeatures())))
        .serverIq(ITEMS, iq -> CompletableFuture.completedFuture(items(iq, disco.items())))
        .accountIq(
            INFO, (UserContext u, Iq iq) -> u.route(info(iq, ACCOUNT, disco.accountFeatures())))
        .accountIq(ITEMS, (UserContext u, Iq iq) -> u.route(items(iq, List.of())))
        .build();
  }

  private static Element info(Iq iq, List<Disco.Identity> identities, Set<String> features) {
    if (!iq.isGet()) {
      return iq.error(StanzaErrorCondition.BAD_REQUEST);
    }
    if (iq.payload().attr("node") != null) {
      return iq.error(StanzaErrorCondition.ITEM_NOT_FOUND);
    }
    Element.Builder q = Element.builder("query", INFO);
    for (Disco.Identity i : identities) {
      q.child(
          Element.builder("identity", INFO)
              .attr("category", i.category())
              .attr("type", i.type())
              .attr("name", i.name())
              .build());
    }
    for (String f : features) {
      q.child(Element.builder("feature", INFO).attr("var", f).build());
    }
    return iq.result(q.build());
  }

  private static Element items(Iq iq, List<Disco.Item> items) {
    if (!iq.isGet()) {
      return iq.error(StanzaErrorCondition.BAD_REQUEST);
    }
    if (iq.payload().attr("node") != null) {
      return iq.error(StanzaErrorCondition.ITEM_NOT_FOUND);
    }
    Element.Builder q = Element.builder("query", ITEMS);
    for (Disco.Item i : items) {
      q.child(Element.builder("item", ITEMS).attr("jid", i.jid()).attr("name", i.name()).build());
    }
    return iq.result(q.build());
  }
}
