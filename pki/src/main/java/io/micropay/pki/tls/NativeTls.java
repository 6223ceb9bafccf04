package io.micropay.pki.tls;

import java.security.Provider;
import java.security.Security;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.conscrypt.Conscrypt;

/**
 * BoringSSL through Conscrypt, loaded once per process: its JSSE provider, or why it cannot be
 * used here (no native library for this platform, a library that does not load). Nothing else
 * in the product names Conscrypt.
 */
final class NativeTls {
  private static final Loaded LOADED = load();

  private record Loaded(Provider provider, String failure) {
  }

  private NativeTls() {
  }

  /** The provider, or empty when the native library does not load here. */
  static Optional<Provider> provider() {
    return Optional.ofNullable(LOADED.provider());
  }

  /** Why the native engine cannot be used here; empty when it can. */
  static Optional<String> failure() {
    return Optional.ofNullable(LOADED.failure());
  }

  /**
   * Makes a native {@code engine} issue and take TLS session tickets, which Conscrypt leaves
   * off unless asked: without them a TLS 1.3 session cannot be resumed. The JDK's engines are
   * left as they are.
   */
  static void enableResumption(SSLEngine engine) {
    if (LOADED.provider() != null && Conscrypt.isConscrypt(engine)) {
      Conscrypt.setUseSessionTickets(engine, true);
    }
  }

  /** As above, for a socket. */
  static void enableResumption(SSLSocket socket) {
    if (LOADED.provider() != null && Conscrypt.isConscrypt(socket)) {
      Conscrypt.setUseSessionTickets(socket, true);
    }
  }

  /**
   * The name of the native provider, for signature checks outside TLS (the JDK's PKIX checks);
   * empty when it does not load. The provider is registered with the JVM at the lowest
   * priority, so only lookups by this name reach it.
   */
  static Optional<String> signatureProvider() {
    return Optional.ofNullable(LOADED.provider()).map(Provider::getName);
  }

  /** What was loaded, for the log line that names the engine in use. */
  static String describe() {
    Conscrypt.Version version = Conscrypt.version();
    return "BoringSSL through Conscrypt " + version.major() + "." + version.minor() + "."
        + version.patch();
  }

  private static Loaded load() {
    try {
      Conscrypt.checkAvailability();
      // Conscrypt's own sockets would reach into java.net.Socket's file descriptor, which
      // Java 17 keeps closed; its engine-backed sockets run the same BoringSSL over the
      // socket's streams, which also honours setSoTimeout and shutdownOutput as ours expect.
      Conscrypt.setUseEngineSocketByDefault(true);
      Provider provider = Conscrypt.newProvider();
      // Last in the JVM's list: nothing that asks for an algorithm without naming a provider
      // gets Conscrypt's instead of the JDK's.
      Security.addProvider(provider);
      return new Loaded(provider, null);
    } catch (LinkageError | RuntimeException e) {
      // An UnsatisfiedLinkError or NoClassDefFoundError here means no native engine on this
      // machine: a reason to use the JDK's, which the caller decides and logs.
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return new Loaded(null, root.getClass().getSimpleName() + ": " + root.getMessage());
    }
  }
}
