package dev.switchboard.server.mod.mam;

import java.util.List;

/**
 * One page of a query's results, in archive order.
 *
 * @param complete no more results in the paging direction (XEP-0313 {@code fin complete})
 * @param count the total number of messages matching the query's filters (RSM count); the page
 *     bounds ({@link ArchiveQuery#afterId}, {@link ArchiveQuery#beforeId}) do not narrow it
 * @param firstIndex the position of the page's first message among those {@code count} (RSM {@code
 *     <first index=''/>}), or -1 when unknown
 */
public record ArchivePage(
    List<ArchivedMessage> messages, boolean complete, long count, long firstIndex) {
  public ArchivePage {
    messages = List.copyOf(messages);
  }

  /** A page whose first index is unknown. */
  public ArchivePage(List<ArchivedMessage> messages, boolean complete, long count) {
    this(messages, complete, count, -1);
  }
}
