package io.micropay.pki;

import io.micropay.pki.x509.SecureFiles;
import io.micropay.pki.x509.SecureFiles.Visibility;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the CA service answers, as written into every certificate it issues: the OCSP responder
 * (Authority Information Access) and the current CRL (CRL distribution point). Both are plain
 * HTTP, as RFC 5280 and RFC 6960 expect: what they serve is signed by the CA, and a client
 * checking revocation must not need revocation checking to reach them. {@code pki serve} writes
 * them into the CA folder ({@link PkiLayout#caUrls()}) when it starts, and the CA reads them there
 * each time it issues, so that {@code pki issue} and {@code pki sign} on the CA host name them too.
 *
 * @param ocsp the OCSP responder, e.g. {@code http://ca.example:8080/ocsp}
 * @param crl the current CRL in DER, e.g. {@code http://ca.example:8080/crl}
 */
public record CaUrls(URI ocsp, URI crl) {
  /** The longest URL accepted, in characters: it goes into every certificate. */
  public static final int MAX_URL_LENGTH = 200;

  public CaUrls {
    requireHttp(ocsp, "OCSP");
    requireHttp(crl, "CRL");
  }

  /** The URLs of a service reachable at {@code host} on plain-HTTP port {@code httpPort}. */
  public static CaUrls forService(String host, int httpPort) {
    String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + httpPort;
    return new CaUrls(URI.create("http://" + authority + "/ocsp"),
        URI.create("http://" + authority + "/crl"));
  }

  /** The URLs written in {@code file}, or empty when there is none (no service yet). */
  public static Optional<CaUrls> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (text.length() > 4 * MAX_URL_LENGTH) {
      throw new PkiException(file + " is longer than two URLs can be");
    }
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
      return Optional.of(new CaUrls(URI.create(required(properties, "ocsp", file)),
          URI.create(required(properties, "crl", file))));
    } catch (IOException | IllegalArgumentException e) {
      throw new PkiException(file + " is damaged: " + e.getMessage(), e);
    }
  }

  /** Writes these URLs to {@code file}, atomically. */
  public void write(Path file) {
    String text = "# Written by 'pki serve': the URLs every certificate issued here names.\n"
        + "ocsp=" + ocsp + "\ncrl=" + crl + "\n";
    SecureFiles.write(file, text.getBytes(StandardCharsets.UTF_8), Visibility.PUBLIC);
  }

  private static String required(Properties properties, String key, Path file) {
    String value = properties.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("it has no '" + key + "=' line");
    }
    return value.trim();
  }

  private static void requireHttp(URI url, String what) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") || url.getHost() == null
        || url.toString().length() > MAX_URL_LENGTH) {
      throw new PkiException("the " + what + " URL must be http://<host>:<port>/..., at most "
          + MAX_URL_LENGTH + " characters, not '" + url + "'");
    }
  }
}
