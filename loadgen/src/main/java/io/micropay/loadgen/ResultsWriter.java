package io.micropay.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the results: results.csv for machines, results.md for people, throughput.svg for the
 * eye. A latency that was not measured (the openssl rows) is written as n/a.
 */
final class ResultsWriter {
  private ResultsWriter() {
  }

  static void write(Path out, List<Result> results) throws IOException {
    StringBuilder csv = new StringBuilder(Result.csvHeader()).append('\n');
    for (Result result : results) {
      csv.append(result.csv()).append('\n');
    }
    Files.writeString(out.resolve("results.csv"), csv, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("results.md"), table(results), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("throughput.svg"), new Plot(results).svg(),
        StandardCharsets.UTF_8);
  }

  /** The results as a Markdown table. */
  static String table(List<Result> results) {
    StringBuilder table = new StringBuilder(
        "| scenario | variant | ops | per second | p50 ms | p99 ms | max ms"
            + " | server CPU ms/op | loadgen CPU ms/op | note |\n"
            + "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result result : results) {
      table.append(String.format(Locale.ROOT,
          "| %s | %s | %d | %,.0f | %s | %s | %s | %s | %s | %s |%n",
          result.scenario(), result.variant(), result.operations(), result.perSecond(),
          millis(result.p50Millis()), millis(result.p99Millis()), millis(result.maxMillis()),
          cpuMillis(result.serverCpuMillisPerOperation()),
          cpuMillis(result.loadGeneratorCpuMillisPerOperation()), result.note()));
    }
    return table.toString();
  }

  private static String millis(double value) {
    return value < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
  }

  /** CPU per operation: three decimals, since a transfer costs well under a millisecond. */
  private static String cpuMillis(double value) {
    return value < 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
  }
}
