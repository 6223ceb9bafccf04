package io.micropay.pki;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;

/**
 * The key types the CA makes and accepts. EC P-256 is the default: small keys, fast handshakes,
 * and supported by every TLS stack micropay talks to. RSA is offered for tools that want it.
 */
public enum KeyAlgorithm {
  EC_P256("ec-p256", "EC", 256),
  EC_P384("ec-p384", "EC", 384),
  RSA_2048("rsa-2048", "RSA", 2048),
  RSA_3072("rsa-3072", "RSA", 3072),
  RSA_4096("rsa-4096", "RSA", 4096);

  /** The smallest RSA modulus the CA signs, in bits. */
  public static final int MIN_RSA_BITS = 2048;
  /** The largest RSA modulus the CA signs, in bits; larger keys only slow every handshake. */
  public static final int MAX_RSA_BITS = 8192;

  private final String optionName;
  private final String jcaAlgorithm;
  private final int sizeBits;

  KeyAlgorithm(String optionName, String jcaAlgorithm, int sizeBits) {
    this.optionName = optionName;
    this.jcaAlgorithm = jcaAlgorithm;
    this.sizeBits = sizeBits;
  }

  /** The spelling on the command line, e.g. {@code ec-p256}. */
  public String optionName() {
    return optionName;
  }

  /** Makes a fresh key pair of this type. */
  public KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaAlgorithm);
      if (jcaAlgorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec(sizeBits == 256 ? "secp256r1" : "secp384r1"),
            random);
      } else {
        generator.initialize(new RSAKeyGenParameterSpec(sizeBits, RSAKeyGenParameterSpec.F4),
            random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make " + optionName + " keys", e);
    }
  }

  /** Parses the command-line spelling, e.g. {@code rsa-3072}. */
  public static KeyAlgorithm parse(String text) {
    String wanted = text.toLowerCase(Locale.ROOT).replace('_', '-');
    for (KeyAlgorithm algorithm : values()) {
      if (algorithm.optionName.equals(wanted)) {
        return algorithm;
      }
    }
    throw new PkiException("unknown key algorithm '" + text + "'; use one of "
        + Arrays.stream(values()).map(KeyAlgorithm::optionName).toList());
  }

  /**
   * The signature algorithm a CA key of this type signs with: SHA-384 for P-384 so the hash is
   * as strong as the curve, SHA-256 otherwise.
   */
  public static String signatureAlgorithmFor(Key signingKey) {
    if (signingKey instanceof ECKey ecKey) {
      int fieldBits = ecKey.getParams().getCurve().getField().getFieldSize();
      return fieldBits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    if (signingKey instanceof RSAKey) {
      return "SHA256withRSA";
    }
    throw new PkiException("unsupported CA key type " + signingKey.getAlgorithm()
        + "; the CA key must be EC or RSA");
  }
}
