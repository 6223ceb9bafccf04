package io.micropay.loadgen;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs {@code clients} copies of one operation in a closed loop for a fixed time, after a short
 * warm-up, printing a progress line every second, and turns what happened into a {@link Result}.
 * A client that fails stops its loop and the failure is reported, never hidden.
 */
final class Measurement {
  /** One client's loop body: perform one operation (latency is measured around it). */
  @FunctionalInterface
  interface Operation {
    void run() throws Exception;
  }

  /** Makes the operation of client {@code index} (its own connection, its own state). */
  @FunctionalInterface
  interface Client {
    Operation open(int index) throws Exception;
  }

  private final PrintStream progress;
  private final double warmupSeconds;
  private final double seconds;

  Measurement(PrintStream progress, double warmupSeconds, double seconds) {
    this.progress = progress;
    this.warmupSeconds = warmupSeconds;
    this.seconds = seconds;
  }

  Result run(String scenario, String variant, int clients, Client client, String note)
      throws Exception {
    List<Operation> operations = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      operations.add(client.open(i));
    }
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong done = new AtomicLong();
    List<LatencyRecorder> recorders = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch finished = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      LatencyRecorder recorder = new LatencyRecorder();
      recorders.add(recorder);
      Operation operation = operations.get(i);
      Thread thread = new Thread(() -> {
        try {
          while (running.get()) {
            long start = System.nanoTime();
            operation.run();
            if (measuring.get()) {
              recorder.record(System.nanoTime() - start);
              done.incrementAndGet();
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        } finally {
          finished.countDown();
        }
      }, "bench-client-" + i);
      thread.setDaemon(true);
      thread.start();
    }
    sleep(warmupSeconds);
    measuring.set(true);
    long startNanos = System.nanoTime();
    long lastCount = 0;
    for (int second = 1; second <= Math.ceil(seconds); second++) {
      sleep(Math.min(1.0, seconds - (second - 1)));
      long count = done.get();
      progress.printf(Locale.ROOT, "\r  %-14s %-24s %6.0f s  %10d ops  %9.0f/s   ", scenario,
          variant, (System.nanoTime() - startNanos) / 1e9, count, (double) (count - lastCount));
      lastCount = count;
      if (!failures.isEmpty()) {
        break;
      }
    }
    measuring.set(false);
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    running.set(false);
    finished.await(60, TimeUnit.SECONDS);
    progress.println();
    if (!failures.isEmpty()) {
      throw new IllegalStateException(scenario + " " + variant + ": a client failed: "
          + failures.get(0), failures.get(0));
    }
    long operationsDone = recorders.stream().mapToLong(LatencyRecorder::count).sum();
    return Result.of(scenario, variant, clients, operationsDone, elapsed,
        LatencyRecorder.merged(recorders), note);
  }

  private static void sleep(double seconds) throws InterruptedException {
    if (seconds > 0) {
      Thread.sleep((long) (seconds * 1000));
    }
  }
}
