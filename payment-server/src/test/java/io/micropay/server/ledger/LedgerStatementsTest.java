package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The statement sizes the ledger asks Derby for: powers of two, at and around each limit. */
@Timeout(60)
class LedgerStatementsTest {

  @Test
  void powersOfTwoAtMost() {
    assertEquals(1, LedgerStatements.powerOfTwoAtMost(0), "never below one row");
    assertEquals(1, LedgerStatements.powerOfTwoAtMost(1));
    assertEquals(2, LedgerStatements.powerOfTwoAtMost(3));
    assertEquals(32, LedgerStatements.powerOfTwoAtMost(63));
    assertEquals(64, LedgerStatements.powerOfTwoAtMost(LedgerStatements.ROWS_PER_INSERT));
    assertEquals(64, LedgerStatements.powerOfTwoAtMost(LedgerStatements.ROWS_PER_INSERT + 1));
  }

  @Test
  void balanceQueriesPaddedToAPowerOfTwoAnswerForEachNameOnce() throws Exception {
    String url = Ledgers.derbyInMemoryUrl("reads-" + UUID.randomUUID());
    int accounts = LedgerStatements.NAMES_PER_QUERY + 3;
    try (JdbcLedger ledger = JdbcLedger.open(url, 1);
        Connection connection = DriverManager.getConnection(url);
        LedgerStatements sql = new LedgerStatements(connection)) {
      for (int i = 0; i < accounts; i++) {
        ledger.openAccount("a" + i, 1_000 + i, 0);
      }
      // 3 names, one unknown, asked as 4 (the last repeated): the two that exist, once each.
      assertEquals(Map.of("a0", 1_000L, "a1", 1_001L),
          sql.readBalances(List.of("a0", "a1", "nobody")));
      // 128 + 3 + 1 unknown: one full query and one of 4 names asked as 4.
      List<String> names = new ArrayList<>();
      Map<String, Long> expected = new HashMap<>();
      for (int i = 0; i < accounts; i++) {
        names.add("a" + i);
        expected.put("a" + i, 1_000L + i);
      }
      names.add("nobody");
      assertEquals(expected, sql.readBalances(names));
      assertEquals(Map.of(), sql.readBalances(List.of()));
      connection.commit();
    }
  }

  @Test
  void powersOfTwoAtLeast() {
    assertEquals(1, LedgerStatements.powerOfTwoAtLeast(1));
    assertEquals(4, LedgerStatements.powerOfTwoAtLeast(3));
    assertEquals(64, LedgerStatements.powerOfTwoAtLeast(33));
    assertEquals(128, LedgerStatements.powerOfTwoAtLeast(LedgerStatements.NAMES_PER_QUERY));
    assertEquals(128, LedgerStatements.powerOfTwoAtLeast(LedgerStatements.NAMES_PER_QUERY - 1));
  }
}
