package io.micropay.pki.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The TLS implementation behind micropay's payment connections: the server's transport, the peer
 * listener, and every client. Both are configured alike (protocols, suites, client certificates,
 * ALPN, session resumption) and call the same Java trust and key managers, so the engine changes
 * how fast a handshake is, never what it checks.
 */
public enum TlsEngine {
  /** BoringSSL, Google's fork of OpenSSL, behind the JSSE API by Conscrypt: native crypto. */
  BORINGSSL,
  /** The JDK's own TLS (SunJSSE), written in Java. */
  JDK;

  /** The name on the command line ({@code --tls-engine boringssl}). */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The engine named {@code name} on a command line; the error lists the choices. */
  public static TlsEngine fromOptionName(String name) {
    for (TlsEngine engine : values()) {
      if (engine.optionName().equals(name)) {
        return engine;
      }
    }
    throw new IllegalArgumentException("unknown TLS engine '" + name + "': choose one of "
        + Arrays.stream(values()).map(TlsEngine::optionName).collect(Collectors.joining(", ")));
  }
}
