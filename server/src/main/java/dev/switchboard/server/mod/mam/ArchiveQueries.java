package dev.switchboard.server.mod.mam;

import dev.switchboard.server.iq.Iq;
import dev.switchboard.server.store.BlockingExecutor;
import dev.switchboard.server.user.SessionEntry;
import dev.switchboard.server.user.UserContext;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.Namespaces;
import dev.switchboard.xmpp.StanzaErrorCondition;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers XEP-0313 queries on the account's user actor: the store runs on the blocking executor,
 * then each result goes straight to the requesting resource, and the IQ result with {@code <fin/>}
 * is routed after them. The router brings that back through this actor to the same session, so the
 * client sees every result before the end of the query.
 */
final class ArchiveQueries {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveQueries.class);
  static final String FORWARD = "urn:xmpp:forward:0";
  static final String DELAY = "urn:xmpp:delay";
  private static final String XDATA_VALIDATE = "http://jabber.org/protocol/xdata-validate";
  private static final AtomicLong RESULT_IDS = new AtomicLong();

  /** The query form of XEP-0313 4.1.5, listing the fields this server understands. */
  static final Element FORM =
      Element.builder("query", MamModule.NS)
          .child(
              Element.builder("x", MamRequest.DATA)
                  .attr("type", "form")
                  .child(
                      Element.builder("field", MamRequest.DATA)
                          .attr("type", "hidden")
                          .attr("var", "FORM_TYPE")
                          .textChild("value", MamModule.NS)
                          .build())
                  .child(field("jid-single", "with"))
                  .child(field("text-single", "start"))
                  .child(field("text-single", "end"))
                  .child(field("text-single", "before-id"))
                  .child(field("text-single", "after-id"))
                  .child(
                      field("list-multi", "ids")
                          .withChild(
                              Element.builder("validate", XDATA_VALIDATE)
                                  .attr("datatype", "xs:string")
                                  .child("open", XDATA_VALIDATE)
                                  .build()))
                  .build())
          .build();

  private final ArchiveStore store;
  private final BlockingExecutor blocking;
  private final int maxPageSize;

  ArchiveQueries(ArchiveStore store, BlockingExecutor blocking, int maxPageSize) {
    this.store = store;
    this.blocking = blocking;
    this.maxPageSize = maxPageSize;
  }

  private static Element field(String type, String var) {
    return Element.builder("field", MamRequest.DATA).attr("type", type).attr("var", var).build();
  }

  /** An IQ set with {@code <query/>}: one page of the archive. */
  void query(UserContext ctx, Iq iq) {
    MamRequest req;
    try {
      req = MamRequest.parse(iq.payload(), maxPageSize);
    } catch (MamRequest.Invalid e) {
      ctx.route(iq.error(e.condition(), e.getMessage()));
      return;
    }
    Jid owner = ctx.jid();
    ctx.await(
        blocking.submit(
            () -> {
              if (!req.alsoExisting().isEmpty()) {
                store.query(owner, idsOnly(req.alsoExisting())); // throws if one is missing
              }
              return store.query(owner, req.query());
            }),
        (page, error) -> {
          if (error != null) {
            failed(ctx, iq, error);
            return;
          }
          ctx.session(iq.from().resource()).ifPresent(s -> deliver(ctx, s, req, page));
          ctx.route(iq.result(fin(page)));
        });
  }

  /**
   * An IQ get with {@code <metadata/>}: the archive's first and last message (XEP-0313 section 5).
   */
  void metadata(UserContext ctx, Iq iq) {
    Jid owner = ctx.jid();
    ctx.await(
        blocking.submit(
            () ->
                List.of(
                    store.query(
                        owner, new ArchiveQuery(null, null, null, null, null, null, 1, false)),
                    store.query(
                        owner, new ArchiveQuery(null, null, null, null, null, null, 1, true)))),
        (pages, error) -> {
          if (error != null) {
            failed(ctx, iq, error);
            return;
          }
          Element.Builder m = Element.builder("metadata", MamModule.NS);
          if (!pages.get(0).messages().isEmpty() && !pages.get(1).messages().isEmpty()) {
            m.child(edge("start", pages.get(0).messages().get(0)));
            m.child(edge("end", pages.get(1).messages().get(0)));
          }
          ctx.route(iq.result(m.build()));
        });
  }

  private static Element edge(String name, ArchivedMessage m) {
    return Element.builder(name, MamModule.NS)
        .attr("id", m.id())
        .attr("timestamp", MamRequest.stamp(m.timestamp()))
        .build();
  }

  /** A query that only checks that {@code ids} exist. */
  private static ArchiveQuery idsOnly(List<String> ids) {
    return new ArchiveQuery(null, null, null, null, null, ids, 0, false);
  }

  private static void failed(UserContext ctx, Iq iq, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof UnknownArchiveIdException unknown) {
      ctx.route(iq.error(StanzaErrorCondition.ITEM_NOT_FOUND, unknown.getMessage()));
      return;
    }
    LOG.error("archive query for {} failed", ctx.jid(), cause);
    ctx.route(iq.error(StanzaErrorCondition.INTERNAL_SERVER_ERROR));
  }

  /** Sends the page to the requester, oldest first unless the client asked for a flipped page. */
  private static void deliver(UserContext ctx, SessionEntry to, MamRequest req, ArchivePage page) {
    List<ArchivedMessage> messages = page.messages();
    for (int i = 0; i < messages.size(); i++) {
      ArchivedMessage m = messages.get(req.flip() ? messages.size() - 1 - i : i);
      ctx.deliver(to, result(ctx.jid(), to.jid(), req.queryId(), m));
    }
  }

  /** One result (XEP-0313 4.2): the archived message forwarded (XEP-0297) with its time. */
  static Element result(Jid owner, Jid to, String queryId, ArchivedMessage m) {
    Element forwarded =
        Element.builder("forwarded", FORWARD)
            .child(
                Element.builder("delay", DELAY)
                    .attr("stamp", MamRequest.stamp(m.timestamp()))
                    .build())
            .child(m.message())
            .build();
    return Element.builder("message", Namespaces.CLIENT)
        .attr("from", owner.toString())
        .attr("to", to.toString())
        .attr("id", "mam-" + Long.toString(RESULT_IDS.incrementAndGet(), 36))
        .child(
            Element.builder("result", MamModule.NS)
                .attr("queryid", queryId)
                .attr("id", m.id())
                .child(forwarded)
                .build())
        .build();
  }

  /** The end of a page (XEP-0313 4.3): completeness and the RSM summary of the page (XEP-0059). */
  static Element fin(ArchivePage page) {
    Element.Builder set = Element.builder("set", MamRequest.RSM);
    List<ArchivedMessage> messages = page.messages();
    if (!messages.isEmpty()) {
      set.child(
          Element.builder("first", MamRequest.RSM)
              .attr("index", page.firstIndex() < 0 ? null : Long.toString(page.firstIndex()))
              .text(messages.get(0).id())
              .build());
      set.textChild("last", messages.get(messages.size() - 1).id());
    }
    set.textChild("count", Long.toString(page.count()));
    return Element.builder("fin", MamModule.NS)
        .attr("complete", Boolean.toString(page.complete()))
        .child(set.build())
        .build();
  }
}
