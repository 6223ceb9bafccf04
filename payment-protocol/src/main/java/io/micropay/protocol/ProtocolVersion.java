package io.micropay.protocol;

import java.util.List;

/**
 * The versions of the micropay protocol and their TLS ALPN names (PROTOCOL.md section 7). A
 * connection that negotiated no ALPN name speaks version 1, byte for byte as the assignment's
 * protocol; version 2 only adds lines to it.
 */
public enum ProtocolVersion {
  /** The classic assignment protocol, made safe by certificates. */
  V1("micropay/1"),
  /** Version 1 plus keep-alive, session-end notices, transfer lookups and more. */
  V2("micropay/2");

  /**
   * What every micropay ALPN name starts with: a client offering names of this family, none of
   * them known here, asks for a version this code does not speak and is refused.
   */
  public static final String ALPN_FAMILY = "micropay/";

  /** The ALPN names this code speaks, newest first: what a client offers. */
  public static final List<String> ALPN_NAMES = List.of(V2.alpnName, V1.alpnName);

  private final String alpnName;

  ProtocolVersion(String alpnName) {
    this.alpnName = alpnName;
  }

  /** The TLS ALPN protocol name. */
  public String alpnName() {
    return alpnName;
  }

  /** Whether this version has everything {@code other} has. */
  public boolean atLeast(ProtocolVersion other) {
    return compareTo(other) >= 0;
  }

  /**
   * The version a TLS connection negotiated: version 1 when no ALPN name was agreed (null or
   * empty, as the JDK reports it).
   *
   * @throws IllegalArgumentException for a name that is not one of {@link #ALPN_NAMES}: the TLS
   *     layer offers and accepts only those, so another one is a broken invariant
   */
  public static ProtocolVersion negotiated(String alpnName) {
    if (alpnName == null || alpnName.isEmpty()) {
      return V1;
    }
    for (ProtocolVersion version : values()) {
      if (version.alpnName.equals(alpnName)) {
        return version;
      }
    }
    throw new IllegalArgumentException("ALPN negotiated '" + Printable.of(alpnName)
        + "', which is not a micropay version this code speaks " + ALPN_NAMES);
  }
}
