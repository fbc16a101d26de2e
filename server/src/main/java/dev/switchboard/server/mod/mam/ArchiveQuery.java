package dev.switchboard.server.mod.mam;

import dev.switchboard.xmpp.Jid;
import java.time.Instant;
import java.util.List;

/**
 * A XEP-0313 query with XEP-0059 paging. All filters are optional (null or empty).
 *
 * @param with a bare JID matches every message with that account; a full JID only that resource
 * @param start inclusive lower time bound
 * @param end inclusive upper time bound
 * @param afterId only messages after this archive id (XEP-0313 after-id, or RSM after)
 * @param beforeId only messages before this archive id (before-id, or RSM before)
 * @param ids only these archive ids (urn:xmpp:mam:2#extended)
 * @param max page size
 * @param fromEnd take the page from the end of the result set (RSM {@code <before/>}, possibly with
 *     an id): the messages are still returned in archive order
 */
public record ArchiveQuery(
    Jid with,
    Instant start,
    Instant end,
    String afterId,
    String beforeId,
    List<String> ids,
    int max,
    boolean fromEnd) {
  public ArchiveQuery {
    ids = ids == null ? List.of() : List.copyOf(ids);
  }
}
