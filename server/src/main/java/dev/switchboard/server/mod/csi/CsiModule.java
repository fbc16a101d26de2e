package dev.switchboard.server.mod.csi;

import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Option;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.xmpp.Element;
import java.util.List;

/**
 * Client State Indication (XEP-0352 1.0.0): a client that says it is {@code <inactive/>} (a phone
 * in a pocket) gets only what matters at once; presence updates and standalone chat states wait,
 * only the newest per sender, until it says {@code <active/>} or something important goes out
 * anyway, which then carries them along in order.
 *
 * <p>Built on the kernel's per-session {@link dev.switchboard.server.session.SessionFilter}, driven
 * by the client's nonzas in {@code urn:xmpp:csi:0}; see {@link CsiFilter} for what is held.
 */
@Implements(spec = "XEP-0352", version = "1.0.0")
public final class CsiModule implements Module {
  public static final String NS = "urn:xmpp:csi:0";

  @Override
  public String name() {
    return "csi";
  }

  static final Option<Integer> MAX_HELD =
      Option.atLeast(
          "max-held",
          500,
          0,
          "Senders whose presence or chat state an inactive client's session holds back; one more"
              + " releases them all. 0 holds nothing.");

  @Override
  public List<Option<?>> options() {
    return List.of(MAX_HELD);
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    int maxHeld = ctx.option(MAX_HELD);
    return Registrations.builder()
        .postAuthFeature(Element.of("csi", NS))
        .sessionFilter(NS, () -> new CsiFilter(maxHeld))
        .build();
  }
}
