package dev.switchboard.server.mod.mam;

import java.util.List;

/**
 * One page of a query's results, in archive order.
 *
 * @param complete no more results in the paging direction (XEP-0313 {@code fin complete})
 * @param count the total number of messages matching the query's filters (RSM count)
 */
public record ArchivePage(List<ArchivedMessage> messages, boolean complete, long count) {
  public ArchivePage {
    messages = List.copyOf(messages);
  }
}
