package dev.switchboard.server.mod.mam;

import dev.switchboard.xmpp.Jid;
import java.time.Instant;
import java.util.List;

/**
 * A XEP-0313 query with XEP-0059 paging. All filters are optional (null or empty).
 *
 * <p>{@code with}, {@code start}, {@code end} and {@code ids} choose the result set, which RSM
 * counts and indexes; {@code afterId} and {@code beforeId} bound the page taken from it (XEP-0313
 * treats its after-id and before-id fields as equivalent to RSM after and before). An id bound that
 * is not in the archive makes the query fail with {@link UnknownArchiveIdException}, as does any of
 * {@code ids}.
 *
 * @param with a bare JID matches every message with that account; a full JID only that resource
 * @param start inclusive lower time bound
 * @param end inclusive upper time bound
 * @param afterId only messages after this archive id (XEP-0313 after-id, or RSM after)
 * @param beforeId only messages before this archive id (before-id, or RSM before)
 * @param ids only these archive ids (urn:xmpp:mam:2#extended)
 * @param max page size, at least 0 (0 asks only for the count); a store may cap it
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
    if (max < 0) {
      throw new IllegalArgumentException("max must not be negative");
    }
  }
}
