package dev.switchboard.server.mod.mam;

import dev.switchboard.server.config.ConfigError;
import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.StanzaErrorCondition;

/**
 * Message Archive Management (XEP-0313 1.1.1, urn:xmpp:mam:2 with #extended): queries by with,
 * start, end, before-id, after-id and ids, paged with XEP-0059 in both directions, flipped pages,
 * archive metadata, and archiving preferences (XEP-0441). {@link MessageArchiver} writes every 1:1
 * message into both parties' archives as it is routed, under those preferences.
 *
 * <p>Options: {@code max-page-size}, the most messages one page holds.
 */
@Implements(spec = "XEP-0313", version = "1.1.1", note = "user archives; #extended")
@Implements(spec = "XEP-0059", version = "1.0", note = "paging of archive queries")
@Implements(spec = "XEP-0441", note = "archiving preferences")
@Implements(spec = "XEP-0359", version = "0.7", note = "stanza-id in archive order, origin-id")
public final class MamModule implements Module {
  public static final String NS = "urn:xmpp:mam:2";
  public static final String NS_EXTENDED = NS + "#extended";

  @Override
  public String name() {
    return "mam";
  }

  /** The "roster" archiving default needs the roster. */
  @Override
  public java.util.List<String> requires() {
    return java.util.List.of("roster");
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    int maxPageSize = ctx.options().getInt("max-page-size");
    if (maxPageSize < 1) {
      throw new ConfigError("switchboard.modules.mam.max-page-size must be at least 1");
    }
    String mode = ctx.options().getString("default-mode");
    ArchivePrefs defaults;
    try {
      defaults = new ArchivePrefs(mode, java.util.Set.of(), java.util.Set.of());
    } catch (IllegalArgumentException e) {
      throw new ConfigError(
          "switchboard.modules.mam.default-mode: '" + mode + "' is not always, roster or never");
    }
    ArchiveStore store = new JdbcArchiveStore(ctx.database(), maxPageSize, defaults);
    PrefsFeature prefs = new PrefsFeature(store, ctx.blocking());
    ArchiveQueries queries = new ArchiveQueries(store, ctx.blocking(), maxPageSize);
    return Registrations.builder()
        .accountIq(NS, (u, iq) -> handle(u, iq, queries, prefs))
        .accountFeature(NS_EXTENDED)
        .userFeature(prefs)
        .userFeature(new MessageArchiver(store, new StanzaIds()))
        .accountFeature(MessageArchiver.SID)
        .build();
  }

  private static void handle(UserContext ctx, Iq iq, ArchiveQueries queries, PrefsFeature prefs) {
    if (!iq.from().toBare().equals(ctx.jid())) {
      ctx.route(iq.error(StanzaErrorCondition.FORBIDDEN, "only the owner reads an archive"));
      return;
    }
    switch (iq.payload().name()) {
      case "query" -> {
        if (iq.isGet()) {
          ctx.route(iq.result(ArchiveQueries.FORM));
        } else {
          queries.query(ctx, iq);
        }
      }
      case "metadata" -> {
        if (iq.isGet()) {
          queries.metadata(ctx, iq);
        } else {
          ctx.route(iq.error(StanzaErrorCondition.BAD_REQUEST));
        }
      }
      case "prefs" -> prefs.handle(ctx, iq);
      default -> ctx.route(iq.error(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED));
    }
  }

  /**
   * The account's archiving preferences, as the user actor holds them; the defaults for an account
   * whose actor has not loaded them. Call on the user actor's thread.
   */
  public static ArchivePrefs prefs(UserContext ctx) {
    return PrefsFeature.current(ctx);
  }
}
