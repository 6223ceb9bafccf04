package io.micropay.server.cli;

/**
 * Settings for the SLF4J simple binding, made before the first logger exists: timestamps, the
 * thread name (it tells a worker from the I/O loop) and INFO by default. Each can be overridden
 * with the same {@code -D} property on the java command line.
 */
final class LogSetup {
  private LogSetup() {
  }

  /**
   * @param inspecting true for the commands that only read a ledger and print a report
   *     (audit, accounts): their output is the report, so only warnings are logged
   */
  static void configure(boolean inspecting) {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", inspecting ? "warn" : "info");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
    setDefault("org.slf4j.simpleLogger.showThreadName", "true");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.log.org.apache.derby", "warn");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
