package dev.switchboard.server.mod.mam;

import dev.switchboard.server.hook.HookResult;
import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.module.Implements;
import dev.switchboard.server.module.Module;
import dev.switchboard.server.module.ModuleContext;
import dev.switchboard.server.module.Option;
import dev.switchboard.server.module.Registrations;
import dev.switchboard.server.store.Dialect;
import dev.switchboard.server.user.AccountHooks;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.List;
import java.util.Set;

/**
 * Message Archive Management (XEP-0313 1.1.1, urn:xmpp:mam:2 with #extended): queries by with,
 * start, end, before-id, after-id and ids, paged with XEP-0059 in both directions, flipped pages,
 * archive metadata, and archiving preferences (XEP-0441). {@link MessageArchiver} writes every 1:1
 * message into both parties' archives as it is routed, under those preferences.
 */
@Implements(spec = "XEP-0313", version = "1.1.1", note = "user archives; #extended")
@Implements(spec = "XEP-0059", version = "1.0", note = "paging of archive queries")
@Implements(spec = "XEP-0441", note = "archiving preferences")
@Implements(spec = "XEP-0359", version = "0.7", note = "stanza-id in archive order, origin-id")
public final class MamModule implements Module {
  public static final String NS = "urn:xmpp:mam:2";
  public static final String NS_EXTENDED = NS + "#extended";

  /** On SQLite; shared with the other hosted domains' archives, closed with this module. */
  private ArchiveJournal journal;

  @Override
  public String name() {
    return "mam";
  }

  /** The "roster" archiving default needs the roster. */
  @Override
  public List<String> requires() {
    return List.of("roster");
  }

  static final Option<Integer> MAX_PAGE_SIZE =
      Option.atLeast(
          "max-page-size",
          250,
          1,
          "Most messages one page of an archive query holds; a client asking for more gets this"
              + " many and pages on (without a limit of its own it gets 50).");

  static final Option<String> DEFAULT_MODE =
      Option.oneOf(
          "default-mode",
          "always",
          List.of("always", "roster", "never"),
          "Archiving for accounts that never set preferences: always, roster (only contacts in"
              + " the roster) or never.");

  @Override
  public List<Option<?>> options() {
    return List.of(MAX_PAGE_SIZE, DEFAULT_MODE);
  }

  @Override
  public void stop() {
    if (journal != null) {
      journal.close();
    }
  }

  @Override
  public Registrations start(ModuleContext ctx) {
    int maxPageSize = ctx.option(MAX_PAGE_SIZE);
    ArchivePrefs defaults = new ArchivePrefs(ctx.option(DEFAULT_MODE), Set.of(), Set.of());
    ArchiveStore store = new JdbcArchiveStore(ctx.database(), maxPageSize, defaults);
    if (ctx.database().dialect() == Dialect.SQLITE) {
      journal = ArchiveJournal.open(ctx.database(), ctx.committer());
      store = new JournalledArchiveStore(store, journal);
    }
    PrefsFeature prefs = new PrefsFeature(store, ctx.blocking());
    ArchiveQueries queries = new ArchiveQueries(store, ctx.blocking(), maxPageSize);
    MessageArchiver archiver = new MessageArchiver(store, new StanzaIds());
    int at = AccountHooks.ARCHIVE;
    return Registrations.builder()
        .accountIq(NS, (u, iq) -> handle(u, iq, queries, prefs))
        .accountFeature(NS_EXTENDED)
        .accountFeature(MessageArchiver.SID)
        .on(AccountHooks.LOADING, at, e -> e.load(prefs.load(e.account())))
        .on(AccountHooks.SENDING, at, e -> archiver.sending(e.ctx(), e.message(), e.writes()))
        .hook(
            AccountHooks.RECEIVING,
            at,
            e -> {
              Element m = archiver.receiving(e.ctx(), e.message(), e.writes());
              return m == e.message() ? HookResult.proceed() : HookResult.replace(e.withMessage(m));
            })
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
