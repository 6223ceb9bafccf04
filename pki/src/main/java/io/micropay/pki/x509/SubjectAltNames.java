package io.micropay.pki.x509;

import io.micropay.pki.PkiException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Parses the subject alternative names of a server certificate as given on the command line:
 * {@code DNS:payments.example.com} or {@code IP:192.0.2.10} (IPv6 literals too). Never looks a
 * name up: an IP entry must be a literal address.
 */
public final class SubjectAltNames {
  /** The longest DNS name, in characters (RFC 1035). */
  public static final int MAX_DNS_NAME_LENGTH = 253;

  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
          + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private SubjectAltNames() {
  }

  /** Parses one {@code DNS:...} or {@code IP:...} entry. */
  public static GeneralName parse(String entry) {
    int colon = entry.indexOf(':');
    if (colon < 0) {
      throw new PkiException("subject alternative name '" + entry
          + "' needs a type: DNS:<name> or IP:<address>");
    }
    String type = entry.substring(0, colon).toUpperCase(Locale.ROOT);
    String value = entry.substring(colon + 1);
    return switch (type) {
      case "DNS" -> dnsName(value);
      case "IP" -> ipAddress(value);
      default -> throw new PkiException("subject alternative name type '" + type
          + "' is not supported; use DNS:<name> or IP:<address>");
    };
  }

  private static GeneralName dnsName(String name) {
    if (name.length() > MAX_DNS_NAME_LENGTH || !DNS_NAME.matcher(name).matches()) {
      throw new PkiException("'" + name + "' is not a valid DNS name");
    }
    return new GeneralName(GeneralName.dNSName, name.toLowerCase(Locale.ROOT));
  }

  private static boolean octetsInRange(String dottedQuad) {
    for (String octet : dottedQuad.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  private static GeneralName ipAddress(String address) {
    boolean ipv4 = IPV4.matcher(address).matches();
    if (ipv4 && !octetsInRange(address) || !ipv4 && !IPV6.matcher(address).matches()) {
      throw new PkiException("'" + address + "' is not a literal IPv4 or IPv6 address");
    }
    try {
      // Only literals reach this point (a valid dotted quad, or text with ':' which the JDK
      // parses as IPv6 and never resolves), so this never makes a DNS query.
      return new GeneralName(GeneralName.iPAddress,
          InetAddress.getByName(address).getHostAddress());
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new PkiException("'" + address + "' is not a valid IP address");
    }
  }

  /** The text form of a DNS or IP entry, as {@link #parse} reads it: {@code IP:10.0.0.1}. */
  public static String text(GeneralName name) {
    if (name.getTagNo() == GeneralName.iPAddress) {
      byte[] octets = org.bouncycastle.asn1.ASN1OctetString.getInstance(name.getName())
          .getOctets();
      try {
        return "IP:" + InetAddress.getByAddress(octets).getHostAddress();
      } catch (UnknownHostException e) {
        throw new PkiException("an IP subject alternative name of " + octets.length
            + " bytes is neither IPv4 nor IPv6", e);
      }
    }
    return "DNS:" + name.getName();
  }

  /** The DNS and IP subject alternative names of {@code certificate}, in order. */
  public static List<GeneralName> of(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(Extension.subjectAlternativeName.getId());
    if (value == null) {
      return List.of();
    }
    List<GeneralName> names = new ArrayList<>();
    for (GeneralName name : GeneralNames.getInstance(
        org.bouncycastle.asn1.ASN1OctetString.getInstance(value).getOctets()).getNames()) {
      if (name.getTagNo() == GeneralName.dNSName || name.getTagNo() == GeneralName.iPAddress) {
        names.add(name);
      }
    }
    return names;
  }
}
