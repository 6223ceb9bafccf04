package io.micropay.cli;

import java.util.Locale;
import org.slf4j.event.Level;

/**
 * Settings for the SLF4J simple binding that every micropay program ships, made in {@code main}
 * before the first logger exists. Each one is a default: the same {@code -D} property on the
 * java command line overrides it.
 */
public final class LogSetup {
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  /** How a program's log lines look. */
  public enum Format {
    /**
     * A service that runs for days: the date with the time, and the thread name, which tells a
     * worker from the I/O loop.
     */
    SERVICE("yyyy-MM-dd HH:mm:ss.SSS", true),
    /** A program a person runs and watches: the time of day only. */
    COMMAND("HH:mm:ss.SSS", false);

    private final String dateTimeFormat;
    private final boolean showThreadName;

    Format(String dateTimeFormat, boolean showThreadName) {
      this.dateTimeFormat = dateTimeFormat;
      this.showThreadName = showThreadName;
    }
  }

  private LogSetup() {
  }

  /** Logs at {@code level} and above, to stderr, in {@code format}. */
  public static void configure(Level level, Format format) {
    setDefault("defaultLogLevel", name(level));
    setDefault("showDateTime", "true");
    setDefault("dateTimeFormat", format.dateTimeFormat);
    if (format.showThreadName) {
      setDefault("showThreadName", "true");
    }
    setDefault("showShortLogName", "true");
  }

  /**
   * Logs of {@code loggerName} and the loggers below it only from {@code level} up, for a
   * library that is chattier than its operators need.
   */
  public static void limit(String loggerName, Level level) {
    setDefault("log." + loggerName, name(level));
  }

  private static String name(Level level) {
    return level.name().toLowerCase(Locale.ROOT);
  }

  private static void setDefault(String key, String value) {
    // Properties is a Hashtable: putIfAbsent is atomic and leaves a -D value alone.
    System.getProperties().putIfAbsent(PREFIX + key, value);
  }
}
