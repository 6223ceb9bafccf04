package io.micropay.pki.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micropay.pki.PkiException;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server names are parsed strictly and IP entries are literals, never looked up. */
class SubjectAltNamesTest {
  @Test
  void parsesDnsAndIpEntries() {
    assertEquals(GeneralName.dNSName, SubjectAltNames.parse("DNS:pay.example.com").getTagNo());
    assertEquals(GeneralName.iPAddress, SubjectAltNames.parse("IP:127.0.0.1").getTagNo());
    assertEquals(GeneralName.iPAddress, SubjectAltNames.parse("ip:::1").getTagNo());
    assertEquals(GeneralName.dNSName, SubjectAltNames.parse("dns:localhost").getTagNo());
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "URI:http://x", "DNS:", "DNS:-bad.example",
      "DNS:bad..example", "IP:256.1.1.1", "IP:localhost", "IP:1.2.3", "IP:example.com",
      "IP:12345::zz"})
  void rejectsMalformedEntries(String entry) {
    assertThrows(PkiException.class, () -> SubjectAltNames.parse(entry));
  }

  @Test
  void limitsDnsNamesTo253Characters() {
    String label = "a".repeat(61);
    String atLimit = String.join(".", label, label, label, label) + ".abcde";
    assertEquals(253, atLimit.length());
    SubjectAltNames.parse("DNS:" + atLimit);
    assertThrows(PkiException.class, () -> SubjectAltNames.parse("DNS:" + atLimit + "h"));
  }
}
