package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ledger's own fixed-size connection pool: its bound, its reset, its repair. */
@Timeout(30)
class ConnectionPoolTest {
  private static final long TIMEOUT_MILLIS = 50;

  private String url;
  private ConnectionPool pool;

  @BeforeEach
  void open() throws Exception {
    url = Ledgers.derbyInMemoryUrl("pool-" + UUID.randomUUID());
    pool = new ConnectionPool(url, 1, TIMEOUT_MILLIS);
  }

  @AfterEach
  void close() {
    pool.close();
    DerbyLifecycle.shutdown(url);
  }

  @Test
  void connectionsHaveAutocommitOffAndReadCommittedSetExplicitly() throws Exception {
    Connection connection = pool.borrow();
    assertFalse(connection.getAutoCommit());
    assertEquals(Connection.TRANSACTION_READ_COMMITTED, connection.getTransactionIsolation());
    pool.release(connection);
  }

  @Test
  void anExhaustedPoolFailsAfterItsTimeoutWithAMessageThatShowsItsState() {
    Connection only = pool.borrow();
    LedgerException e = assertThrows(LedgerException.class, pool::borrow);
    assertEquals("Connection is not available (size=1, idle=0, waiting-timeout="
        + TIMEOUT_MILLIS + " ms)", e.getMessage());
    pool.release(only);
    assertSame(only, pool.borrow(), "free again once released");
  }

  @Test
  void aReleasedConnectionIsRolledBackSoItsNextUserStartsClean() throws Exception {
    Connection connection = pool.borrow();
    execute(connection, "CREATE TABLE scratch (n INTEGER)");
    connection.commit();
    execute(connection, "INSERT INTO scratch (n) VALUES (1)");
    pool.release(connection);
    Connection again = pool.borrow();
    try (PreparedStatement count = again.prepareStatement("SELECT COUNT(*) FROM scratch");
        ResultSet rows = count.executeQuery()) {
      rows.next();
      assertEquals(0, rows.getInt(1), "the uncommitted insert was rolled back");
    }
    pool.release(again);
  }

  @Test
  void aBrokenConnectionIsReplacedWhenItComesBack() throws Exception {
    Connection broken = pool.borrow();
    broken.close();
    pool.release(broken);
    Connection replacement = pool.borrow();
    assertFalse(replacement.isClosed());
    assertFalse(replacement.getAutoCommit());
    pool.release(replacement);
  }

  @Test
  void releasingAConnectionTwiceIsAProgrammerError() {
    Connection connection = pool.borrow();
    pool.release(connection);
    assertThrows(IllegalStateException.class, () -> pool.release(connection));
  }

  @Test
  void anInterruptedBorrowerFailsAndKeepsItsInterruptFlag() {
    Connection only = pool.borrow();
    Thread.currentThread().interrupt();
    try {
      assertThrows(LedgerException.class, pool::borrow);
      assertTrue(Thread.interrupted(), "the flag is restored (and cleared here)");
    } finally {
      pool.release(only);
    }
  }

  @Test
  void aClosedPoolRefusesToLend() {
    pool.close();
    LedgerException e = assertThrows(LedgerException.class, pool::borrow);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void aPoolSizeOutsideItsBoundsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ConnectionPool(url, 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new ConnectionPool(url, ConnectionPool.MAX_SIZE + 1, 1));
  }

  private static void execute(Connection connection, String sql) throws Exception {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.execute();
    }
  }
}
