package io.micropay.pki.client;

import io.micropay.pki.PkiException;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.x509.SecureFiles;
import io.micropay.pki.x509.SecureFiles.Visibility;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The CA service a server or peer renews with: {@code https://<host>:<port>}, given on the command
 * line ({@code --ca}) or kept in the ssl folder ({@code ca-service.url}, written by
 * {@code payment-peer enroll}).
 */
public final class CaServiceAddress {
  /** The longest address accepted, in characters. */
  public static final int MAX_LENGTH = 200;

  private CaServiceAddress() {
  }

  /** Parses {@code https://host:port}; throws PkiException saying what is wrong. */
  public static URI parse(String text) {
    String trimmed = text.strip();
    URI url;
    try {
      url = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw notAnAddress(trimmed);
    }
    boolean https = url.getScheme() != null
        && url.getScheme().toLowerCase(Locale.ROOT).equals("https");
    if (trimmed.length() > MAX_LENGTH || !https || url.getHost() == null || url.getPort() < 1
        || (url.getPath() != null && !url.getPath().isEmpty() && !url.getPath().equals("/"))) {
      throw notAnAddress(trimmed);
    }
    return URI.create("https://" + url.getRawAuthority());
  }

  /** The address kept in {@code layout}'s folder, if there is one. */
  public static Optional<URI> read(PkiLayout layout) {
    Path file = layout.caServiceAddress();
    try {
      if (Files.size(file) > MAX_LENGTH + 2) {
        throw new PkiException(file + " is too long to hold a CA service address");
      }
      return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Keeps {@code url} in {@code layout}'s folder. */
  public static void write(PkiLayout layout, URI url) {
    SecureFiles.write(layout.caServiceAddress(),
        (url + "\n").getBytes(StandardCharsets.UTF_8), Visibility.PUBLIC);
  }

  private static PkiException notAnAddress(String text) {
    return new PkiException("the CA service address must be https://<host>:<port>, like "
        + "https://ca.example:8443, not '" + text + "'");
  }
}
