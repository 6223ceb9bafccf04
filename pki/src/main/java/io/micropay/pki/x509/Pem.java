package io.micropay.pki.x509;

import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import io.micropay.pki.x509.SecureFiles.Visibility;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads and writes the PEM files of a deployment: certificates, PKCS#8 private keys (optionally
 * encrypted with a passphrase), CSRs and CRLs. Every read checks that the file holds the kind of
 * object the caller asked for, and says which file and what it found when it does not.
 */
public final class Pem {
  /** The largest PEM file read, in bytes; certificates and CRLs of a deployment are far smaller. */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  /** PBKDF2 rounds for an encrypted key: slow enough to hurt guessing, fast enough to start. */
  private static final int KEY_ENCRYPTION_ITERATIONS = 200_000;

  /**
   * Bouncy Castle's provider, used only for encrypting and decrypting PKCS#8 keys (PBES2 with
   * HMAC-SHA256 and AES-256-CBC). It is held here, never installed in the JVM, so TLS and
   * everything else keep using the JDK's providers.
   */
  private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

  private Pem() {
  }

  /** Every certificate in {@code file}, in order (a leaf first, then its chain). */
  public static List<X509Certificate> readCertificates(Path file) {
    return parseCertificates(readText(file), file.toString());
  }

  /** The first certificate in {@code file}. */
  public static X509Certificate readCertificate(Path file) {
    return readCertificates(file).get(0);
  }

  /** The CSR in {@code file}. */
  public static PKCS10CertificationRequest readCsr(Path file) {
    Object object = readSingle(file);
    if (object instanceof PKCS10CertificationRequest request) {
      return request;
    }
    throw new PkiException(file + " holds " + describe(object) + ", not a certificate request");
  }

  /** The CRL in {@code file}. */
  public static X509CRL readCrl(Path file) {
    Object object = readSingle(file);
    if (object instanceof X509CRLHolder holder) {
      try {
        return new JcaX509CRLConverter().getCRL(holder);
      } catch (CRLException e) {
        throw new PkiException(file + " holds a CRL the JDK cannot read: " + e.getMessage(), e);
      }
    }
    throw new PkiException(file + " holds " + describe(object) + ", not a CRL");
  }

  /**
   * The private key in {@code file}: unencrypted or passphrase-encrypted PKCS#8, or OpenSSL's
   * traditional EC/RSA form, so that keys made by {@code openssl genpkey} work too.
   */
  public static PrivateKey readPrivateKey(Path file, Passphrase passphrase) {
    Object object = readSingle(file);
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
        return decrypt(file, encrypted, passphrase, converter);
      }
    } catch (IOException e) {
      throw new PkiException(file + " holds a private key this JDK cannot use: "
          + e.getMessage(), e);
    }
    throw new PkiException(file + " holds " + describe(object) + ", not a private key");
  }

  /** Every PEM object in {@code file}, for {@code pki show}. */
  public static List<Object> readObjects(Path file) {
    return parseObjects(readText(file), file.toString());
  }

  /**
   * Every PEM object in {@code text}, which came from {@code origin} (a file, a request body);
   * the caller bounds its length.
   */
  public static List<Object> parseObjects(String text, String origin) {
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      throw new PkiException(origin + " is not valid PEM: " + e.getMessage(), e);
    }
    return objects;
  }

  /** The one certificate request in {@code text}, from {@code origin}. */
  public static PKCS10CertificationRequest parseCsr(String text, String origin) {
    List<Object> objects = parseObjects(text, origin);
    if (objects.size() == 1 && objects.get(0) instanceof PKCS10CertificationRequest request) {
      return request;
    }
    throw new PkiException(origin + " holds " + (objects.size() == 1
        ? describe(objects.get(0)) : objects.size() + " PEM objects")
        + ", not one certificate request");
  }

  /** The certificates in {@code text}, from {@code origin}, in order; at least one. */
  public static List<X509Certificate> parseCertificates(String text, String origin) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : parseObjects(text, origin)) {
      if (!(object instanceof X509CertificateHolder holder)) {
        throw new PkiException(origin + " holds " + describe(object) + ", not a certificate");
      }
      certificates.add(toCertificate(holder));
    }
    if (certificates.isEmpty()) {
      throw new PkiException(origin + " holds no PEM certificate");
    }
    return certificates;
  }

  /** A CRL in DER, as a distribution point serves it, from {@code origin}. */
  public static X509CRL crlFromDer(byte[] der, String origin) {
    try {
      return new JcaX509CRLConverter().getCRL(new X509CRLHolder(der));
    } catch (IOException | CRLException | RuntimeException e) {
      throw new PkiException(origin + " is not a DER CRL: " + e.getMessage(), e);
    }
  }

  /** Writes certificates (a leaf and optionally its chain) to {@code file}. */
  public static void writeCertificates(Path file, List<X509Certificate> certificates) {
    SecureFiles.write(file, encode(certificates.toArray()), Visibility.PUBLIC);
  }

  /** Writes a CSR to {@code file}. */
  public static void writeCsr(Path file, PKCS10CertificationRequest request) {
    SecureFiles.write(file, encode(request), Visibility.PUBLIC);
  }

  /** Writes a CRL to {@code file}, atomically: a server reloading it sees the old or the new. */
  public static void writeCrl(Path file, X509CRL crl) {
    SecureFiles.write(file, encode(crl), Visibility.PUBLIC);
  }

  /** Writes a private key as PKCS#8, encrypted when {@code passphrase} is present; mode 0600. */
  public static void writePrivateKey(Path file, PrivateKey key, Passphrase passphrase) {
    try {
      OutputEncryptor encryptor = null;
      if (passphrase.isPresent()) {
        char[] characters = passphrase.characters().orElseThrow();
        encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
            .setPRF(PKCS8Generator.PRF_HMACSHA256)
            .setIterationCount(KEY_ENCRYPTION_ITERATIONS)
            .setProvider(BOUNCY_CASTLE)
            .setPassword(characters)
            .build();
      }
      SecureFiles.write(file, encode(new JcaPKCS8Generator(key, encryptor)),
          Visibility.OWNER_ONLY);
    } catch (IOException | OperatorCreationException e) {
      throw new PkiException("cannot encode the private key for " + file + ": "
          + e.getMessage(), e);
    }
  }

  /** PEM text of the given objects. */
  public static byte[] encode(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new IllegalStateException("PEM encoding into memory failed", e);
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The JDK certificate for a Bouncy Castle holder. */
  public static X509Certificate toCertificate(X509CertificateHolder holder) {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new PkiException("the JDK cannot read certificate " + holder.getSubject() + ": "
          + e.getMessage(), e);
    }
  }

  /** A few words naming a parsed PEM object, for error messages. */
  public static String describe(Object object) {
    if (object == null) {
      return "nothing";
    }
    if (object instanceof X509CertificateHolder) {
      return "a certificate";
    }
    if (object instanceof PKCS10CertificationRequest) {
      return "a certificate request";
    }
    if (object instanceof X509CRLHolder) {
      return "a CRL";
    }
    if (object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
        || object instanceof PKCS8EncryptedPrivateKeyInfo) {
      return "a private key";
    }
    return "a " + object.getClass().getSimpleName();
  }

  private static PrivateKey decrypt(Path file, PKCS8EncryptedPrivateKeyInfo encrypted,
      Passphrase passphrase, JcaPEMKeyConverter converter) throws IOException {
    if (!passphrase.isPresent()) {
      throw new PkiException(file + " is encrypted; give its passphrase with a "
          + "--...-passphrase-file or --...-passphrase-env option");
    }
    char[] characters = passphrase.characters().orElseThrow();
    try {
      return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
          new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BOUNCY_CASTLE)
              .build(characters)));
    } catch (PKCSException | OperatorCreationException e) {
      throw new PkiException("cannot decrypt " + file + " with the passphrase from "
          + passphrase.source() + ": wrong passphrase?", e);
    } finally {
      java.util.Arrays.fill(characters, '\0');
    }
  }

  private static Object readSingle(Path file) {
    List<Object> objects = readObjects(file);
    if (objects.isEmpty()) {
      throw new PkiException(file + " holds no PEM object");
    }
    return objects.get(0);
  }

  private static String readText(Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new PkiException(file + " is larger than " + MAX_FILE_BYTES
            + " bytes; it is not a certificate, key, CSR or CRL of this PKI");
      }
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new PkiException(file + " does not exist");
    } catch (IOException e) {
      throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
