package io.micropay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The log set-up gives defaults only: a property given with -D is left as it was. */
class LogSetupTest {
  private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final String THREAD = "org.slf4j.simpleLogger.showThreadName";
  private static final String FORMAT = "org.slf4j.simpleLogger.dateTimeFormat";
  private static final String DERBY = "org.slf4j.simpleLogger.log.org.apache.derby";
  private final String level = System.getProperty(LEVEL);
  private final String thread = System.getProperty(THREAD);
  private final String format = System.getProperty(FORMAT);

  @AfterEach
  void restore() {
    put(LEVEL, level);
    put(THREAD, thread);
    put(FORMAT, format);
    System.clearProperty(DERBY);
  }

  @Test
  void aServiceLogsTheDateAndTheThread() {
    System.clearProperty(LEVEL);
    System.clearProperty(THREAD);
    System.clearProperty(FORMAT);
    LogSetup.configure(Level.INFO, LogSetup.Format.SERVICE);
    LogSetup.limit("org.apache.derby", Level.WARN);
    assertEquals("info", System.getProperty(LEVEL));
    assertEquals("true", System.getProperty(THREAD));
    assertEquals("yyyy-MM-dd HH:mm:ss.SSS", System.getProperty(FORMAT));
    assertEquals("warn", System.getProperty(DERBY));
  }

  @Test
  void aCommandLogsTheTimeOnly() {
    System.clearProperty(THREAD);
    System.clearProperty(FORMAT);
    LogSetup.configure(Level.WARN, LogSetup.Format.COMMAND);
    assertNull(System.getProperty(THREAD));
    assertEquals("HH:mm:ss.SSS", System.getProperty(FORMAT));
  }

  @Test
  void aValueGivenOnTheCommandLineWins() {
    System.setProperty(LEVEL, "trace");
    LogSetup.configure(Level.WARN, LogSetup.Format.COMMAND);
    assertEquals("trace", System.getProperty(LEVEL));
  }

  private static void put(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
