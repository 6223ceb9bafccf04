package io.micropay.loadgen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs {@code clients} copies of one operation for a fixed time, after a short warm-up, printing a
 * progress line every second, and turns what happened into a {@link Result}. A client that fails
 * stops its loop and the failure is reported, never hidden.
 *
 * <p>Closed loop ({@link #run}): each client starts its next operation when the last one ends, so
 * the clients are the operations in flight and the rate is whatever the system sustains. Open
 * loop ({@link #runPaced}): the clients together start operations at a fixed rate, each on its own
 * schedule, and an operation's latency runs from when it was due, not from when it began, so time
 * spent queued behind a slow operation counts (no coordinated omission). A latency target at a
 * given rate is only meaningful in the open loop: in a closed loop of n clients the latency is
 * n divided by the rate, whatever the system does.
 *
 * <p>Over the measured window it also reads the CPU the load generator used and, when it is
 * {@link #watching} one, the server's: CPU per operation says what each side costs, whatever
 * the rate the shared cores allowed.
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
  /** The process under load, whose CPU is charged to each operation; null when in-process. */
  private final CpuClock server;
  private final CpuClock loadGenerator = CpuClock.ofThisProcess();

  Measurement(PrintStream progress, double warmupSeconds, double seconds) {
    this(progress, warmupSeconds, seconds, null);
  }

  private Measurement(PrintStream progress, double warmupSeconds, double seconds,
      CpuClock server) {
    this.progress = progress;
    this.warmupSeconds = warmupSeconds;
    this.seconds = seconds;
    this.server = server;
  }

  /**
   * The same measurement, also charging the servers' CPU to the operations (together, when
   * several servers act as one service).
   */
  Measurement watching(ProcessHandle... servers) {
    return new Measurement(progress, warmupSeconds, seconds, CpuClock.of(servers));
  }

  /** Closed loop: every client runs the operation again as soon as it is done. */
  Result run(String scenario, String variant, int clients, Client client, String note)
      throws Exception {
    return measure(scenario, variant, clients, 0, client, note);
  }

  /**
   * Open loop: the clients together start {@code ratePerSecond} operations a second, each
   * client every {@code clients / ratePerSecond} seconds from a random phase.
   */
  Result runPaced(String scenario, String variant, int clients, double ratePerSecond,
      Client client, String note) throws Exception {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("a paced rate must be above 0, not " + ratePerSecond);
    }
    return measure(scenario, variant, clients, ratePerSecond, client, note);
  }

  private Result measure(String scenario, String variant, int clients, double ratePerSecond,
      Client client, String note) throws Exception {
    long intervalNanos = ratePerSecond > 0 ? (long) (clients * 1e9 / ratePerSecond) : 0;
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
          long due = System.nanoTime()
              + (intervalNanos > 0 ? ThreadLocalRandom.current().nextLong(intervalNanos) : 0);
          while (running.get()) {
            long start = intervalNanos > 0 ? waitUntil(due) : System.nanoTime();
            operation.run();
            if (measuring.get()) {
              recorder.record(System.nanoTime() - start);
              done.incrementAndGet();
            }
            due += intervalNanos;
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
    Optional<Duration> serverCpuAtStart = serverCpu();
    Optional<Duration> loadCpuAtStart = loadGenerator.used();
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
    CpuUse cpu = new CpuUse(CpuClock.millisBetween(serverCpuAtStart, serverCpu()),
        CpuClock.millisBetween(loadCpuAtStart, loadGenerator.used()));
    running.set(false);
    finished.await(60, TimeUnit.SECONDS);
    progress.println();
    if (!failures.isEmpty()) {
      throw new IllegalStateException(scenario + " " + variant + ": a client failed: "
          + failures.get(0), failures.get(0));
    }
    long operationsDone = recorders.stream().mapToLong(LatencyRecorder::count).sum();
    return Result.of(scenario, variant, clients, operationsDone, elapsed,
        LatencyRecorder.merged(recorders), note).withCpu(cpu);
  }

  private Optional<Duration> serverCpu() {
    return server == null ? Optional.empty() : server.used();
  }

  /**
   * Waits for {@code dueNanos} and returns it: the operation's latency counts from when it was
   * due, also when the client is behind and starts it late.
   */
  private static long waitUntil(long dueNanos) {
    for (long left = dueNanos - System.nanoTime(); left > 0;
        left = dueNanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
    return dueNanos;
  }

  private static void sleep(double seconds) throws InterruptedException {
    if (seconds > 0) {
      Thread.sleep((long) (seconds * 1000));
    }
  }
}
