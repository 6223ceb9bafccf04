package io.micropay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class PostgresServerTest {
  @Test
  void aDatabaseKeepsCommittedRowsAcrossACrashAndIsGoneAfterClose() throws Exception {
    Path folder;
    try (PostgresServer server = PostgresServer.start()) {
      String url = server.createDatabase("books");
      try (Connection connection = DriverManager.getConnection(url);
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE t (v BIGINT)");
        statement.execute("INSERT INTO t VALUES (42)");
      }
      int port = server.port();
      server.kill();
      assertThrows(SQLException.class, () -> DriverManager.getConnection(url).close());
      server.startAgain();
      assertEquals(port, server.port());
      assertEquals(42, single(url, "SELECT v FROM t"));
      server.restart();
      assertEquals(42, single(url, "SELECT v FROM t"));
      folder = Path.of(single(server.jdbcUrl(), "SELECT setting FROM pg_settings "
          + "WHERE name = 'unix_socket_directories'", String.class));
    }
    assertFalse(Files.exists(folder), folder + " is left behind");
  }

  private static long single(String url, String query) throws SQLException {
    return single(url, query, Long.class);
  }

  private static <T> T single(String url, String query, Class<T> type) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(query)) {
      rows.next();
      return rows.getObject(1, type);
    }
  }
}
