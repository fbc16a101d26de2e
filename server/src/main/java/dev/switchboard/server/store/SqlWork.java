package dev.switchboard.server.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with a borrowed connection; the connection must not escape it. */
@FunctionalInterface
public interface SqlWork<T> {
  T apply(Connection c) throws SQLException;
}
