package io.micropay.server.ledger;

import io.micropay.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh, empty ledger databases for the contract tests, on either dialect: an in-memory Derby
 * database, or a new database on one real PostgreSQL server that this JVM starts the first
 * time it is asked and stops when it exits.
 */
public final class TestLedgers {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer postgres;

  private TestLedgers() {
  }

  /** A JDBC URL of a new empty database; {@code prefix} names it, for the logs. */
  public static String freshUrl(Dialect dialect, String prefix) {
    if (dialect == Dialect.DERBY) {
      return Ledgers.derbyInMemoryUrl(prefix + "-" + UUID.randomUUID());
    }
    String name = prefix.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_"
        + DATABASES.incrementAndGet();
    PostgresServer server = postgres();
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(),
          e);
    }
    return server.jdbcUrl(name);
  }

  /** The PostgreSQL server the fresh databases are on, started on first use. */
  public static synchronized PostgresServer postgres() {
    if (postgres == null) {
      // Pools of many connections open and close in quick succession.
      PostgresServer started = PostgresServer.start(List.of("max_connections=300"));
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "postgres-stop"));
      postgres = started;
    }
    return postgres;
  }
}
