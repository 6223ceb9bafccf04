package io.micropay.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plot of docs/benchmarks.md, as SVG with no library: throughput (left) and p99 latency
 * (right) against concurrency, one line per series. A series is the rows of one scenario and
 * kind (say "1 handshakes, resumed") measured at more than one concurrency.
 */
final class Plot {
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
      "#ff7f0e", "#8c564b"};
  private static final int PANEL_WIDTH = 420;
  private static final int PANEL_HEIGHT = 300;
  private static final int MARGIN = 60;

  private final Map<String, List<Result>> series = new LinkedHashMap<>();

  Plot(List<Result> results) {
    for (Result result : results) {
      if (result.p99Millis() >= 0 && result.concurrency() > 0
          && !result.scenario().equals(LedgerScenario.NAME)
          && !result.scenario().equals(SessionsScenario.NAME)) {
        series.computeIfAbsent(seriesName(result), name -> new ArrayList<>()).add(result);
      }
    }
    series.values().removeIf(rows -> rows.size() < 2);
  }

  /** "1 handshakes, full" from variant "full, 8 clients"; the scenario alone otherwise. */
  private static String seriesName(Result result) {
    int comma = result.variant().indexOf(',');
    return comma < 0 ? result.scenario()
        : result.scenario() + ", " + result.variant().substring(0, comma);
  }

  String svg() {
    int width = 2 * (PANEL_WIDTH + 2 * MARGIN);
    int height = PANEL_HEIGHT + 2 * MARGIN + 20 * Math.max(1, series.size());
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
        + "width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        width, height));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    panel(svg, MARGIN, "throughput (operations/s)", Result::perSecond);
    panel(svg, 3 * MARGIN + PANEL_WIDTH, "p99 latency (ms)", Result::p99Millis);
    int y = PANEL_HEIGHT + 2 * MARGIN;
    int colour = 0;
    for (String name : series.keySet()) {
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
          + "stroke=\"%s\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>%n", MARGIN,
          y - 4, MARGIN + 30, y - 4, COLOURS[colour++ % COLOURS.length], MARGIN + 40, y,
          escape(name)));
      y += 20;
    }
    if (series.isEmpty()) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no scenario was run at "
          + "more than one concurrency</text>%n", MARGIN, y));
    }
    return svg.append("</svg>\n").toString();
  }

  private interface Measure {
    double of(Result result);
  }

  /** One panel: log2 concurrency across, linear value up, from 0 to the largest value. */
  private void panel(StringBuilder svg, int left, String title, Measure measure) {
    int top = MARGIN;
    int bottom = top + PANEL_HEIGHT;
    double maxX = 1;
    double maxY = 0;
    for (List<Result> rows : series.values()) {
      for (Result row : rows) {
        maxX = Math.max(maxX, row.concurrency());
        maxY = Math.max(maxY, measure.of(row));
      }
    }
    maxY = niceCeiling(maxY);
    double log2MaxX = Math.max(1, Math.log(maxX) / Math.log(2));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s"
        + "</text>%n", left, top - 20, escape(title)));
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
        + "fill=\"none\" stroke=\"#999\"/>%n", left, top, PANEL_WIDTH, PANEL_HEIGHT));
    for (int tick = 0; tick <= 4; tick++) {
      double value = maxY * tick / 4;
      double y = bottom - PANEL_HEIGHT * tick / 4.0;
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">"
          + "%s</text><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
          left - 6, y + 4, label(value), left, y, left + PANEL_WIDTH, y));
    }
    for (int power = 0; (1 << power) <= maxX; power++) {
      double x = left + PANEL_WIDTH * power / log2MaxX;
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
          + "%d</text>%n", x, bottom + 16, 1 << power));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
        + "concurrent clients</text>%n", left + PANEL_WIDTH / 2, bottom + 34));
    int colour = 0;
    for (List<Result> rows : series.values()) {
      StringBuilder points = new StringBuilder();
      String stroke = COLOURS[colour++ % COLOURS.length];
      for (Result row : rows) {
        double x = left + PANEL_WIDTH * (Math.log(row.concurrency()) / Math.log(2)) / log2MaxX;
        double y = bottom - (maxY == 0 ? 0 : PANEL_HEIGHT * measure.of(row) / maxY);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
            + "fill=\"%s\"/>%n", x, y, stroke));
      }
      svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" "
          + "stroke=\"%s\" stroke-width=\"2\"/>%n", points.toString().trim(), stroke));
    }
  }

  /** 1, 2 or 5 times a power of ten, at least {@code value}. */
  static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= value) {
        return step * power;
      }
    }
    return 10 * power;
  }

  private static String label(double value) {
    return value >= 1000 ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.3g", value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
