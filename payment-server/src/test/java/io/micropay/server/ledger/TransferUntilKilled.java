package io.micropay.server.ledger;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Run in its own JVM by {@link LedgerLifecycleTest}: opens the ledger at the URL in its first
 * argument, then settles transfers of 1 from alice to bob and prints each id the moment
 * {@code transfer} returns SETTLED, until it is killed. Never closes the ledger: the point is what
 * a kill leaves on disk.
 */
final class TransferUntilKilled {
  /** Bounded so that a parent that never kills it does not leave it running for good. */
  private static final int MAX_TRANSFERS = 100_000;

  private TransferUntilKilled() {
  }

  public static void main(String[] arguments) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
    JdbcLedger ledger = JdbcLedger.open(arguments[0], 1);
    ledger.openAccount("alice", Ledger.MAX_BALANCE_UNITS, 0);
    ledger.openAccount("bob", 0, 0);
    out.println("ready");
    for (int i = 0; i < MAX_TRANSFERS; i++) {
      String id = "kill-test-" + i;
      TransferOutcome outcome = ledger.transfer(new TransferCommand("alice", "bob", 1, id));
      if (outcome.status() != TransferOutcome.Status.SETTLED) {
        out.println("unexpected " + outcome);
        Runtime.getRuntime().halt(2);
      }
      out.println("settled " + id);
    }
    Runtime.getRuntime().halt(0);
  }
}
