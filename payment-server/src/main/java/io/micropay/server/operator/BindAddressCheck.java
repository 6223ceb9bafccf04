package io.micropay.server.operator;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Whether peers can reach the server under a name its certificate holds: a certificate that
 * names neither the --bind address nor a host resolving to it makes every peer's host name
 * check fail, which a new user only learns from a peer's error on another machine. The server
 * says so at start-up instead.
 */
public final class BindAddressCheck {
  /** subjectAltName GeneralName tags (RFC 5280). */
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private BindAddressCheck() {
  }

  /** A warning when {@code certificate} names no address that {@code bind} serves. */
  public static Optional<String> warning(X509Certificate certificate, InetAddress bind) {
    List<InetAddress> served = served(bind);
    List<String> names = new ArrayList<>();
    for (List<?> entry : alternativeNames(certificate)) {
      int tag = (Integer) entry.get(0);
      String value = (String) entry.get(1);
      if (tag != DNS_NAME && tag != IP_ADDRESS) {
        continue;
      }
      names.add((tag == DNS_NAME ? "DNS:" : "IP:") + value);
      for (InetAddress address : resolve(value)) {
        if (served.contains(address)) {
          return Optional.empty();
        }
      }
    }
    return Optional.of("the server certificate names " + (names.isEmpty() ? "no host"
        : String.join(", ", names)) + ", and none of them is or resolves to the --bind address "
        + bind.getHostAddress() + (bind.isAnyLocalAddress() ? " (any address of this machine)"
        : "") + ": peers will fail the host name check. Issue a server certificate with "
        + "'pki issue server --renew --san IP:<address>' (or --san DNS:<name>) for the address "
        + "peers dial");
  }

  private static List<InetAddress> served(InetAddress bind) {
    if (!bind.isAnyLocalAddress()) {
      return List.of(bind);
    }
    List<InetAddress> all = new ArrayList<>();
    try {
      for (NetworkInterface face : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        all.addAll(Collections.list(face.getInetAddresses()));
      }
    } catch (SocketException e) {
      all.add(InetAddress.getLoopbackAddress());
    }
    return all;
  }

  private static List<InetAddress> resolve(String name) {
    try {
      return List.of(InetAddress.getAllByName(name));
    } catch (UnknownHostException e) {
      return List.of();
    }
  }

  private static Collection<List<?>> alternativeNames(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      return names == null ? List.of() : names;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }
}
