package io.micropay.pki;

/**
 * Defaults the JVM reads from system properties (the JDK's TLS, Derby), set by micropay only
 * where the operator has not set them: an explicit {@code -Dname=value} always wins.
 */
public final class SystemDefaults {
  private SystemDefaults() {
  }

  /** Sets system property {@code key} to {@code value} unless it is set already. */
  public static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
