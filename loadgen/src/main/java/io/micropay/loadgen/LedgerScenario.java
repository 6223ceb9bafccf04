package io.micropay.loadgen;

import io.micropay.server.ledger.JdbcLedger;
import io.micropay.server.ledger.Ledgers;
import io.micropay.server.ledger.TransferCommand;
import io.micropay.server.ledger.TransferOutcome;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 5: the ledger alone, in this process, on the data folder's disk: durable transfer
 * transactions per second, one transfer per transaction and in batches, beside the baseline that
 * bounds them, a plain write+fsync loop on the same disk.
 */
final class LedgerScenario {
  static final String NAME = "5 ledger";
  private static final int ACCOUNTS = 64;

  private final Path directory;

  LedgerScenario(Path directory) {
    this.directory = directory;
  }

  List<Result> run(Measurement measurement, List<Integer> batchSizes) throws Exception {
    List<Result> results = new ArrayList<>();
    results.add(fsyncBaseline(measurement));
    try (JdbcLedger ledger = JdbcLedger.open(Ledgers.derbyUrl(directory.resolve("ledger")),
        4)) {
      for (int i = 0; i < ACCOUNTS; i++) {
        ledger.openAccount("acct" + i, 1_000_000_000_000L, 0);
      }
      for (int batch : batchSizes) {
        long[] sequence = {0};
        Result raw = measurement.run(NAME, batch == 1 ? "1 per transaction"
            : batch + " per transaction", 1, i -> () -> {
              List<TransferCommand> commands = new ArrayList<>(batch);
              for (int n = 0; n < batch; n++) {
                long s = sequence[0]++;
                commands.add(new TransferCommand("acct" + (s % ACCOUNTS),
                    "acct" + ((s + 1 + s / ACCOUNTS % (ACCOUNTS - 1)) % ACCOUNTS), 1,
                    "ledger-bench-" + s));
              }
              for (TransferOutcome outcome : ledger.transferBatch(commands)) {
                if (!outcome.succeeded()) {
                  throw new IllegalStateException("a bench transfer failed: " + outcome);
                }
              }
            }, "latency is per transaction");
        // Each operation settled `batch` transfers: report transfers per second.
        results.add(raw.counted(batch, raw.operations() * batch));
      }
    }
    return results;
  }

  private Result fsyncBaseline(Measurement measurement) throws Exception {
    Files.createDirectories(directory);
    Path file = directory.resolve("fsync-baseline.bin");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer record = ByteBuffer.allocate(128);
      return measurement.run(NAME, "baseline: write+fsync", 1, i -> () -> {
        record.clear();
        channel.write(record);
        channel.force(false);
      }, "128-byte append + fsync on the same disk");
    } finally {
      Files.deleteIfExists(file);
    }
  }

}
