package io.micropay.server.presence;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new connection of its own to the database (not one borrowed from a pool). */
@FunctionalInterface
public interface ConnectionFactory {
  Connection open() throws SQLException;
}
