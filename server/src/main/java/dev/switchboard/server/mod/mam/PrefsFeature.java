package dev.switchboard.server.mod.mam;

import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.user.StateKey;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Archiving preferences (XEP-0441, in the urn:xmpp:mam:2 namespace): loaded with the account's user
 * actor and kept there, so that deciding whether to archive a message costs no I/O; changed by
 * {@code <prefs/>} sets, which are stored before they take effect.
 */
final class PrefsFeature {
  private static final Logger LOG = LoggerFactory.getLogger(PrefsFeature.class);
  static final StateKey<ArchivePrefs> STATE = StateKey.named("mam-prefs");

  private final ArchiveStore store;
  private final BlockingExecutor blocking;

  PrefsFeature(ArchiveStore store, BlockingExecutor blocking) {
    this.store = store;
    this.blocking = blocking;
  }

  CompletionStage<Consumer<UserContext>> load(Jid account) {
    return blocking.submit(() -> store.prefs(account)).thenApply(p -> ctx -> ctx.put(STATE, p));
  }

  static ArchivePrefs current(UserContext ctx) {
    ArchivePrefs p = ctx.get(STATE);
    return p == null ? ArchivePrefs.DEFAULT : p;
  }

  void handle(UserContext ctx, Iq iq) {
    if (iq.isGet()) {
      ctx.route(iq.result(toElement(current(ctx))));
      return;
    }
    ArchivePrefs wanted;
    try {
      wanted = parse(iq.payload());
    } catch (IllegalArgumentException e) {
      ctx.route(iq.error(StanzaErrorCondition.BAD_REQUEST, e.getMessage()));
      return;
    }
    Jid owner = ctx.jid();
    ctx.await(
        blocking.submit(
            () -> {
              store.setPrefs(owner, wanted);
              return null;
            }),
        (v, error) -> {
          if (error != null) {
            LOG.error("storing archiving preferences for {} failed", owner, error);
            ctx.route(iq.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR));
            return;
          }
          ctx.put(STATE, wanted);
          ctx.route(iq.result(toElement(wanted)));
        });
  }

  /** Reads a {@code <prefs/>} set; throws IllegalArgumentException naming what is wrong. */
  static ArchivePrefs parse(Element prefs) {
    String mode = prefs.attr("default");
    if (mode == null) {
      throw new IllegalArgumentException("'default' is required");
    }
    return new ArchivePrefs(
        mode, jids(prefs.child("always", MamModule.NS)), jids(prefs.child("never", MamModule.NS)));
  }

  private static Set<Jid> jids(Element list) {
    Set<Jid> out = new LinkedHashSet<>();
    if (list == null) {
      return out;
    }
    for (Element j : list.elements()) {
      if (!j.is("jid", MamModule.NS)) {
        continue;
      }
      Jid jid = Jid.tryParse(j.text().strip());
      if (jid == null) {
        throw new IllegalArgumentException("malformed JID " + j.text());
      }
      out.add(jid);
    }
    return out;
  }

  static Element toElement(ArchivePrefs p) {
    return Element.builder("prefs", MamModule.NS)
        .attr("default", p.defaultMode())
        .child(list("always", p.always()))
        .child(list("never", p.never()))
        .build();
  }

  private static Element list(String name, Set<Jid> jids) {
    Element.Builder b = Element.builder(name, MamModule.NS);
    for (String j : new TreeSet<>(jids.stream().map(Jid::toString).toList())) {
      b.textChild("jid", j);
    }
    return b.build();
  }
}
