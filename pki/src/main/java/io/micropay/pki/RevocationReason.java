package io.micropay.pki;

import java.util.Locale;
import org.bouncycastle.asn1.x509.CRLReason;

/** Why a certificate was revoked: the RFC 5280 reason codes that make sense for micropay. */
public enum RevocationReason {
  UNSPECIFIED(CRLReason.unspecified, "unspecified"),
  KEY_COMPROMISE(CRLReason.keyCompromise, "keyCompromise"),
  CA_COMPROMISE(CRLReason.cACompromise, "CACompromise"),
  AFFILIATION_CHANGED(CRLReason.affiliationChanged, "affiliationChanged"),
  SUPERSEDED(CRLReason.superseded, "superseded"),
  CESSATION_OF_OPERATION(CRLReason.cessationOfOperation, "cessationOfOperation");

  private final int code;
  private final String openSslName;

  RevocationReason(int code, String openSslName) {
    this.code = code;
    this.openSslName = openSslName;
  }

  /** The CRLReason code written into the CRL entry. */
  public int code() {
    return code;
  }

  /** The spelling OpenSSL uses in its index file and in {@code openssl ca -crl_reason}. */
  public String openSslName() {
    return openSslName;
  }

  /** Parses a reason as OpenSSL spells it or as this enum does, ignoring case and '-'/'_'. */
  public static RevocationReason parse(String text) {
    String wanted = normalise(text);
    for (RevocationReason reason : values()) {
      if (normalise(reason.openSslName).equals(wanted) || normalise(reason.name()).equals(wanted)) {
        return reason;
      }
    }
    throw new PkiException("unknown revocation reason '" + text + "'; use one of "
        + java.util.Arrays.stream(values()).map(RevocationReason::openSslName).toList());
  }

  /** The reason with this CRLReason code. */
  public static RevocationReason fromCode(int code) {
    for (RevocationReason reason : values()) {
      if (reason.code == code) {
        return reason;
      }
    }
    return UNSPECIFIED;
  }

  private static String normalise(String text) {
    return text.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }
}
