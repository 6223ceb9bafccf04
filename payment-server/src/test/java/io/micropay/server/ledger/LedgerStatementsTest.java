package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The statement sizes the ledger asks Derby for: powers of two, at and around each limit. */
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
  void powersOfTwoAtLeast() {
    assertEquals(1, LedgerStatements.powerOfTwoAtLeast(1));
    assertEquals(4, LedgerStatements.powerOfTwoAtLeast(3));
    assertEquals(64, LedgerStatements.powerOfTwoAtLeast(33));
    assertEquals(128, LedgerStatements.powerOfTwoAtLeast(LedgerStatements.NAMES_PER_QUERY));
    assertEquals(128, LedgerStatements.powerOfTwoAtLeast(LedgerStatements.NAMES_PER_QUERY - 1));
  }
}
