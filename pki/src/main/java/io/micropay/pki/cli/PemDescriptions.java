package io.micropay.pki.cli;

import io.micropay.pki.RevocationReason;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.CsrPolicy;
import io.micropay.pki.x509.Subjects;
import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Human-readable descriptions of certificates, requests and CRLs for {@code pki show}. */
final class PemDescriptions {
  private static final Map<String, String> EXTENDED_KEY_USAGES = Map.of(
      "1.3.6.1.5.5.7.3.1", "serverAuth", "1.3.6.1.5.5.7.3.2", "clientAuth");
  private static final String[] KEY_USAGES = {"digitalSignature", "nonRepudiation",
      "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign",
      "encipherOnly", "decipherOnly"};

  private PemDescriptions() {
  }

  static void certificate(PrintWriter out, X509Certificate certificate) {
    out.println("Certificate");
    out.println("  subject:       " + certificate.getSubjectX500Principal().getName());
    out.println("  issuer:        " + certificate.getIssuerX500Principal().getName());
    out.println("  serial:        " + Subjects.serialHex(certificate.getSerialNumber()));
    out.println("  valid from:    " + certificate.getNotBefore().toInstant());
    out.println("  valid until:   " + certificate.getNotAfter().toInstant());
    out.println("  key:           " + key(certificate.getPublicKey()));
    out.println("  signature:     " + certificate.getSigAlgName());
    out.println("  role:          " + Subjects.role(certificate)
        .map(role -> role.organisationalUnit()).orElse("(none: not a micropay leaf)"));
    out.println("  CA:            " + (certificate.getBasicConstraints() >= 0 ? "yes" : "no"));
    out.println("  key usage:     " + keyUsage(certificate.getKeyUsage()));
    out.println("  extended use:  " + extendedKeyUsage(certificate));
    out.println("  alt names:     " + alternativeNames(certificate));
    out.println("  SHA-256:       " + fingerprint(certificate));
  }

  static void request(PrintWriter out, PKCS10CertificationRequest request) {
    out.println("Certificate request");
    out.println("  subject:       " + request.getSubject());
    try {
      CsrPolicy.AcceptedRequest accepted = CsrPolicy.check(request);
      out.println("  key:           " + key(accepted.publicKey()));
      out.println("  policy:        acceptable; the CA would certify '"
          + accepted.commonName() + "'");
      if (!accepted.ignoredExtensions().isEmpty()) {
        out.println("  asks for:      " + accepted.ignoredExtensions()
            + " (the CA would not copy these)");
      }
    } catch (io.micropay.pki.PkiException e) {
      out.println("  policy:        REFUSED: " + e.getMessage());
    }
  }

  static void crl(PrintWriter out, X509CRL crl) {
    Set<? extends X509CRLEntry> revoked = crl.getRevokedCertificates();
    out.println("Certificate revocation list");
    out.println("  issuer:        " + crl.getIssuerX500Principal().getName());
    out.println("  number:        " + CertificateSigner.crlNumber(crl));
    out.println("  this update:   " + crl.getThisUpdate().toInstant());
    out.println("  next update:   " + crl.getNextUpdate().toInstant());
    out.println("  revoked:       " + (revoked == null ? 0 : revoked.size()));
    if (revoked != null) {
      for (X509CRLEntry entry : revoked) {
        String reason = entry.getRevocationReason() == null ? "unspecified"
            : RevocationReason.fromCode(entry.getRevocationReason().ordinal()).openSslName();
        out.println("    " + Subjects.serialHex(entry.getSerialNumber()) + "  "
            + entry.getRevocationDate().toInstant() + "  " + reason);
      }
    }
  }

  private static String key(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return "EC " + ec.getParams().getCurve().getField().getFieldSize() + " bits";
    }
    if (key instanceof RSAPublicKey rsa) {
      return "RSA " + rsa.getModulus().bitLength() + " bits";
    }
    return key.getAlgorithm();
  }

  private static String keyUsage(boolean[] usage) {
    if (usage == null) {
      return "(none)";
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < usage.length && i < KEY_USAGES.length; i++) {
      if (usage[i]) {
        names.add(KEY_USAGES[i]);
      }
    }
    return String.join(", ", names);
  }

  private static String extendedKeyUsage(X509Certificate certificate) {
    try {
      List<String> oids = certificate.getExtendedKeyUsage();
      if (oids == null) {
        return "(none)";
      }
      return String.join(", ", oids.stream()
          .map(oid -> EXTENDED_KEY_USAGES.getOrDefault(oid, oid)).toList());
    } catch (CertificateParsingException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static String alternativeNames(X509Certificate certificate) {
    try {
      var names = certificate.getSubjectAlternativeNames();
      if (names == null) {
        return "(none)";
      }
      List<String> shown = new ArrayList<>();
      for (List<?> name : names) {
        int type = (Integer) name.get(0);
        shown.add((type == 2 ? "DNS:" : type == 7 ? "IP:" : "type " + type + ":") + name.get(1));
      }
      return String.join(", ", shown);
    } catch (CertificateParsingException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      return "(unavailable: " + e.getMessage() + ")";
    }
  }
}
