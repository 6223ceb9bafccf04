package io.micropay.system.hostile;

import io.micropay.pki.testing.TestPki;
import io.micropay.server.KillAndRestart;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults under load: payers keep paying payees while, in a loop, the server is killed with
 * SIGKILL and started again on the same data folder (payment-server's {@link KillAndRestart}).
 * Payers reconnect and re-send their unanswered transfer with the same id. After every kill the
 * books balance and every transfer ever answered {@code Transfer OK!} is in the journal exactly
 * once. Cycles: {@code -Dmicropay.soak.cycles} (default 3; {@code make soak} runs 50).
 */
@Timeout(3600)
class KillRestartSoakTest {
  private static final int CYCLES = Integer.getInteger("micropay.soak.cycles", 3);
  private static final int PAYERS = 8;
  private static final int PAYEES = 4;
  /** Transfers each cycle waits for before it kills the server. */
  private static final int TRANSFERS_PER_CYCLE = 200;
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir
  Path directory;

  @Test
  void everyAcknowledgedTransferSurvivesEveryKillExactlyOnce() throws Exception {
    TestPki pki = TestPki.create(directory.resolve("ssl"));
    try (KillAndRestart run = KillAndRestart.start(pki, directory.resolve("data"), PAYERS,
        PAYEES)) {
      for (int cycle = 1; cycle <= CYCLES; cycle++) {
        run.awaitAnswered(TRANSFERS_PER_CYCLE, WAIT);
        run.kill();
        run.checkBooks();
        run.restart();
      }
      run.stopPayers();
      run.server().stop();
      int acknowledged = run.checkBooks();
      Figures.report("kill -9 cycles survived", CYCLES, acknowledged
          + " acknowledged transfers, 0 lost, 0 settled twice");
    }
  }
}
