package io.micropay.pki.tls;

import io.micropay.pki.SystemDefaults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The protocol versions and cipher suites of every micropay connection (PROTOCOL.md section 1):
 * TLS 1.3, and TLS 1.2 only with ECDHE key exchange and AEAD ciphers. Nothing older, no RSA key
 * exchange, no CBC, no renegotiation.
 */
public final class TlsPolicy {
  /** The protocol versions, newest first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The cipher suites in order of preference; those the JDK lacks are left out. */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  static {
    // The JDK reads this once, when its TLS classes load: TLS 1.2 clients may not start a
    // renegotiation (TLS 1.3 has none). Set before any SSLContext is made; an operator's own
    // explicit setting is left alone.
    SystemDefaults.setIfAbsent("jdk.tls.rejectClientInitiatedRenegotiation", "true");
  }

  private TlsPolicy() {
  }

  /** Makes sure the JVM-wide settings above are in force; call before making an SSLContext. */
  static void ensureInstalled() {
    // Loading this class ran the static initialiser; nothing more to do.
  }

  /** Suites micropay allows that each provider has, by provider name ("" for the JDK's). */
  private static final Map<String, List<String>> SUITES = new ConcurrentHashMap<>();

  /** An SSLContext of {@code provider}, or of the JDK's default provider; not initialised. */
  static SSLContext newContext(Optional<Provider> provider) throws NoSuchAlgorithmException {
    return provider.isPresent() ? SSLContext.getInstance("TLS", provider.get())
        : SSLContext.getInstance("TLS");
  }

  /**
   * Fresh parameters with micropay's protocols and suites, out of what {@code provider} (the
   * JDK's when empty) offers.
   */
  static SSLParameters parameters(Optional<Provider> provider) {
    List<String> suites = SUITES.computeIfAbsent(provider.map(Provider::getName).orElse(""),
        name -> allowedSuites(provider));
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
    parameters.setCipherSuites(suites.toArray(String[]::new));
    parameters.setUseCipherSuitesOrder(true);
    return parameters;
  }

  private static List<String> allowedSuites(Optional<Provider> provider) {
    SSLParameters supported;
    try {
      SSLContext context = newContext(provider);
      context.init(null, null, null);
      supported = context.getSupportedSSLParameters();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in " + provider.map(Provider::getName)
          .orElse("the JDK"), e);
    }
    Set<String> available = Set.copyOf(Arrays.asList(supported.getCipherSuites()));
    List<String> suites = new ArrayList<>();
    for (String suite : CIPHER_SUITES) {
      if (available.contains(suite)) {
        suites.add(suite);
      }
    }
    return List.copyOf(suites);
  }
}
