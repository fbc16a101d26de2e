package dev.switchboard.server.mod.mam;

/**
 * A query named an archive id (after, before or one of its ids) that the archive does not hold;
 * XEP-0313 answers it with item-not-found.
 */
public final class UnknownArchiveIdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String id;

  public UnknownArchiveIdException(String id) {
    super("no archived message with id " + id);
    this.id = id;
  }

  public String id() {
    return id;
  }
}
