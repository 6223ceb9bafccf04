package io.micropay.server.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micropay.server.ledger.TransferOutcome.Status;
import io.micropay.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 8: a full disk under an embedded Derby ledger. The disk is a real one, a small
 * tmpfs mounted for the test (root only; CI runs as root), filled to the last byte with a
 * ballast file. Derby turns the database read-only or shuts it down; the ledger must say it is
 * not ready, and reopen itself once the ballast is deleted, with nothing acknowledged lost.
 */
@Timeout(180)
class FullDiskTest {
  @TempDir
  Path directory;

  @Test
  void aFullDiskMakesTheLedgerNotReadyAndItReopensItselfWhenSpaceIsFreed() throws Exception {
    Path disk = directory.resolve("disk");
    Files.createDirectories(disk);
    assumeTrue(mount(disk), "needs root to mount a small tmpfs");
    try {
      String url = Ledgers.derbyUrl(disk);
      List<String> acknowledged = new ArrayList<>();
      try (JdbcLedger ledger = JdbcLedger.open(url, 2)) {
        ledger.openAccount("alice", 1_000_000_000, 0);
        ledger.openAccount("bob", 0, 0);
        Path ballast = disk.resolve("ballast");
        fill(ballast);
        int batch = 0;
        LedgerException failure = null;
        while (failure == null && batch < 2_000) {
          List<TransferCommand> commands = new ArrayList<>();
          for (int i = 0; i < 500; i++) {
            commands.add(new TransferCommand("alice", "bob", 1, "b" + batch + "-" + i));
          }
          try {
            for (TransferOutcome outcome : ledger.transferBatch(commands)) {
              assertEquals(Status.SETTLED, outcome.status());
            }
            commands.forEach(command -> acknowledged.add(command.transferId()));
          } catch (LedgerException e) {
            failure = e;
          }
          batch++;
        }
        assertTrue(failure != null, "the full disk was noticed after " + batch + " batches");
        assertFalse(ledger.isReady(), "not ready on a full disk: " + failure.getMessage());

        Files.delete(ballast);
        Await.until("the ledger reopened", Duration.ofSeconds(60), ledger::isReady);
        assertEquals(Status.SETTLED,
            ledger.transfer(new TransferCommand("alice", "bob", 1, "after")).status());
        for (String id : acknowledged) {
          assertTrue(ledger.settledTransfer("alice", id).isPresent(), "lost " + id);
        }
        AuditReport report = ledger.audit();
        assertTrue(report.balanced(), report.describe());
      }
    } finally {
      run("umount", disk.toString());
    }
  }

  /** Writes {@code ballast} until the disk refuses another byte. */
  private static void fill(Path ballast) {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(ballast)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      // No space left on device: exactly what was wanted.
    }
    try (OutputStream out = Files.newOutputStream(ballast,
        java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(0);
        out.flush();
      }
    } catch (IOException full) {
      // The last bytes too.
    }
  }

  private static boolean mount(Path disk) {
    return "root".equals(System.getProperty("user.name"))
        && run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", disk.toString());
  }

  private static boolean run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
