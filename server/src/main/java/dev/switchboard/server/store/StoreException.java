package dev.switchboard.server.store;

import java.sql.SQLException;

/** A storage failure; callers above the store see no checked {@link SQLException}. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
