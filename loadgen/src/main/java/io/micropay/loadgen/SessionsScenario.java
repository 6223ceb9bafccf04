package io.micropay.loadgen;

import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 4: logged-in peers held online, in steps (1,000, then 5,000, then 10,000), with the
 * server's resident memory and the latency of {@code List} at each step. A held peer registers
 * and logs in on one connection, then stays idle, as a person's peer does most of the time.
 */
final class SessionsScenario {
  static final String NAME = "4 sessions";
  /** Connections opened at once while filling a step. */
  private static final int OPENERS = 8;
  private static final int TIMEOUT_MILLIS = 30_000;

  private final BulkClients clients;
  private final ServerUnderTest server;
  private final List<String> names;
  private final List<ProtocolClient> held = new ArrayList<>();

  SessionsScenario(BulkClients clients, ServerUnderTest server, List<String> names) {
    this.clients = clients;
    this.server = server;
    this.names = names;
  }

  /** One row per step: List latency while {@code level} peers are online, and the RSS. */
  List<Result> run(Measurement measurement, List<Integer> levels) throws Exception {
    long idleBytes = server.residentBytes();
    List<Result> results = new ArrayList<>();
    try {
      for (int level : levels.stream().sorted().toList()) {
        fill(level);
        long residentBytes = server.residentBytes();
        ProtocolClient lister = held.get(0);
        Result row = measurement.run(NAME, level + " online", 1, index -> lister::list,
            String.format(Locale.ROOT, "List latency; server RSS %,d MiB (%,d MiB before "
                + "any session)", residentBytes >> 20, idleBytes >> 20));
        results.add(row.counted(level, row.operations()));
      }
    } finally {
      for (ProtocolClient session : held) {
        session.close();
      }
    }
    return results;
  }

  /** Opens sessions until {@code level} are online, printing progress once a second. */
  private void fill(int level) throws Exception {
    int from = held.size();
    AtomicInteger next = new AtomicInteger(from);
    ExecutorService openers = Executors.newFixedThreadPool(OPENERS);
    try {
      List<Future<List<ProtocolClient>>> work = new ArrayList<>();
      for (int i = 0; i < OPENERS; i++) {
        work.add(openers.submit(() -> {
          List<ProtocolClient> opened = new ArrayList<>();
          for (int index = next.getAndIncrement(); index < level;
              index = next.getAndIncrement()) {
            opened.add(open(index));
          }
          return opened;
        }));
      }
      openers.shutdown();
      while (!openers.awaitTermination(1, TimeUnit.SECONDS)) {
        System.err.printf(Locale.ROOT, "\r  %-14s opening %,d sessions: %,d online   ", NAME,
            level, Math.min(level, next.get()));
      }
      for (Future<List<ProtocolClient>> future : work) {
        held.addAll(future.get());
      }
      System.err.printf(Locale.ROOT, "\r  %-14s %,d online, server RSS %,d MiB%n", NAME,
          held.size(), server.residentBytes() >> 20);
    } finally {
      openers.shutdownNow();
    }
  }

  private ProtocolClient open(int index) throws IOException {
    ProtocolClient session = new ProtocolClient(clients.connect(server.port(), index,
        TIMEOUT_MILLIS));
    String name = names.get(index);
    session.register(name);
    session.login(name, 6000);
    return session;
  }
}
