package io.micropay.pki.tls;

import io.micropay.pki.SystemDefaults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
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

  /** Parameters with micropay's protocols and suites, out of what {@code supported} offers. */
  static SSLParameters parameters(SSLParameters supported) {
    Set<String> available = Set.copyOf(Arrays.asList(supported.getCipherSuites()));
    List<String> suites = new ArrayList<>();
    for (String suite : CIPHER_SUITES) {
      if (available.contains(suite)) {
        suites.add(suite);
      }
    }
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
    parameters.setCipherSuites(suites.toArray(String[]::new));
    parameters.setUseCipherSuitesOrder(true);
    return parameters;
  }
}
