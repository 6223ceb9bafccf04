package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.testing.TestPki;
import io.micropay.testing.ProtocolClient;
import io.micropay.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server with SIGKILL in the middle of a stream of transfers, restarts it on the same
 * data folder, and checks that every transfer it answered {@code Transfer OK!} is in the ledger
 * exactly once, that an acknowledged transfer reported again is answered as settled and not
 * settled twice, that the payers carry on, and that the books balance. {@code make soak} does the
 * same many times over (system-tests' KillRestartSoakTest).
 */
@Timeout(180)
class CrashRecoveryTest {
  private static final int PAYERS = 4;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path directory;

  @Test
  void everyAcknowledgedTransferSurvivesAKillAndARestart() throws Exception {
    TestPki pki = TestPki.create(directory.resolve("ssl"));
    try (KillAndRestart run = KillAndRestart.start(pki, directory.resolve("data"), PAYERS, 1)) {
      run.awaitAnswered(40, WAIT);
      run.kill();
      assertTrue(run.checkBooks() >= 40, "transfers acknowledged before the kill");

      run.restart();
      run.awaitAnswered(40, WAIT);
      run.stopPayers();
      String id = run.acknowledged().entrySet().stream()
          .filter(entry -> entry.getValue().equals("payer0"))
          .map(Map.Entry::getKey).findFirst().orElseThrow();
      try (ProtocolClient payer0 = run.connect("payer0")) {
        payer0.login("payer0", 6000);
        payer0.expect("payer0#1#payee0#" + id, "Transfer OK!");
      }
      ServerProcess second = run.server();
      // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran.
      assertEquals(143, second.stop(), second.output());
      assertTrue(second.output().contains("stopped"), second.output());
      run.checkBooks();
    }
  }
}
