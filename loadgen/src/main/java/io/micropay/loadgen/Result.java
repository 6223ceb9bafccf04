package io.micropay.loadgen;

import java.util.Locale;

/**
 * One measured row: what ran, how many operations in how long, and the latency percentiles.
 *
 * @param scenario e.g. "2 transfers"
 * @param variant e.g. "64 payers"
 * @param concurrency the number of concurrent clients, for plots (0 when not applicable)
 * @param operations completed operations
 * @param seconds measured duration
 * @param p50Millis median latency
 * @param p99Millis 99th percentile latency
 * @param maxMillis worst latency (the three latencies are -1 when not measured)
 * @param note anything else measured (memory, a baseline's name)
 * @param cpu the CPU the server and the load generator used in the window
 */
record Result(String scenario, String variant, int concurrency, long operations, double seconds,
    double p50Millis, double p99Millis, double maxMillis, String note, CpuUse cpu) {

  double perSecond() {
    return seconds <= 0 ? 0 : operations / seconds;
  }

  /** A row from latencies measured in nanoseconds. */
  static Result of(String scenario, String variant, int concurrency, long operations,
      double seconds, long[] sortedNanos, String note) {
    return new Result(scenario, variant, concurrency, operations, seconds,
        millis(LatencyRecorder.percentile(sortedNanos, 0.50)),
        millis(LatencyRecorder.percentile(sortedNanos, 0.99)),
        millis(sortedNanos.length == 0 ? 0 : sortedNanos[sortedNanos.length - 1]), note,
        CpuUse.NOT_MEASURED);
  }

  /** This row with the CPU measured over its window. */
  Result withCpu(CpuUse used) {
    return new Result(scenario, variant, concurrency, operations, seconds, p50Millis, p99Millis,
        maxMillis, note, used);
  }

  /** The server's CPU milliseconds per operation, or -1 when not measured. */
  double serverCpuMillisPerOperation() {
    return cpu.serverMillisPer(operations);
  }

  /** The load generator's CPU milliseconds per operation, or -1 when not measured. */
  double loadGeneratorCpuMillisPerOperation() {
    return cpu.loadGeneratorMillisPer(operations);
  }

  /** This row with the database it ran on named in its variant. */
  Result on(String database) {
    return new Result(scenario, variant + ", " + database, concurrency, operations, seconds,
        p50Millis, p99Millis, maxMillis, note, cpu);
  }

  /** This row counted differently: per transfer instead of per batch, per level of sessions. */
  Result counted(int newConcurrency, long newOperations) {
    return new Result(scenario, variant, newConcurrency, newOperations, seconds, p50Millis,
        p99Millis, maxMillis, note, cpu);
  }

  String csv() {
    return String.join(",", quote(scenario), quote(variant), Integer.toString(concurrency),
        Long.toString(operations), format(seconds), format(perSecond()), measured(p50Millis),
        measured(p99Millis), measured(maxMillis), measured(serverCpuMillisPerOperation()),
        measured(loadGeneratorCpuMillisPerOperation()), quote(note));
  }

  static String csvHeader() {
    return "scenario,variant,concurrency,operations,seconds,per_second,p50_ms,p99_ms,max_ms,"
        + "server_cpu_ms_per_op,loadgen_cpu_ms_per_op,note";
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** A latency or a CPU time, or nothing when it was not measured (negative). */
  private static String measured(double millis) {
    return millis < 0 ? "" : format(millis);
  }

  private static String quote(String text) {
    return "\"" + text.replace("\"", "\"\"") + "\"";
  }
}
