package io.micropay.pki.service;

import io.micropay.pki.IssuedCertificate;
import io.micropay.pki.PkiException;
import io.micropay.pki.x509.CaIndex;
import io.micropay.pki.x509.Subjects;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The CA's index by serial, read again whenever the file changes (one stat per lookup, the way
 * {@link io.micropay.pki.tls.CrlSource} follows the CRL): the OCSP responder answers from it, so
 * a {@code pki revoke} run on the CA host shows at once, without going through the service.
 */
final class IndexSnapshot {
  private final Path file;
  private volatile Loaded loaded;

  private record Loaded(Map<String, IssuedCertificate> bySerial, Object fileKey,
      long modifiedMillis, long sizeBytes) {
  }

  IndexSnapshot(Path file) {
    this.file = file;
  }

  /** The entry for {@code serial}, if the CA issued it. */
  Optional<IssuedCertificate> find(BigInteger serial) {
    return Optional.ofNullable(current().bySerial().get(Subjects.serialHex(serial)));
  }

  private Loaded current() {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new PkiException("cannot read the CA index " + file + ": " + e.getMessage(), e);
    }
    Loaded known = loaded;
    if (known != null && Objects.equals(known.fileKey(), attributes.fileKey())
        && known.modifiedMillis() == attributes.lastModifiedTime().toMillis()
        && known.sizeBytes() == attributes.size()) {
      return known;
    }
    Map<String, IssuedCertificate> bySerial = new HashMap<>();
    for (IssuedCertificate entry : CaIndex.read(file)) {
      bySerial.put(entry.serialHex(), entry);
    }
    Loaded fresh = new Loaded(bySerial, attributes.fileKey(),
        attributes.lastModifiedTime().toMillis(), attributes.size());
    loaded = fresh;
    return fresh;
  }
}
