package io.micropay.peer.cli;

/**
 * The peer talks to people through its own output; logs are for trouble. By default only
 * warnings are logged (to stderr), with {@code --verbose} everything.
 */
final class LogSetup {
  private LogSetup() {
  }

  static void configure(boolean verbose) {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
