package io.micropay.pki;

import io.micropay.pki.x509.CaIndex;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The CA's index as read under its lock: the entries, the lookups the CA makes in them (a name's
 * valid certificates, a name or serial to revoke), and the changes it writes back.
 */
final class IndexEntries {
  private final PkiLayout layout;
  private final Clock clock;
  private final List<IssuedCertificate> entries;

  private IndexEntries(PkiLayout layout, Clock clock, List<IssuedCertificate> entries) {
    this.layout = layout;
    this.clock = clock;
    this.entries = entries;
  }

  /** The index of {@code layout}; the caller holds the CA's lock. */
  static IndexEntries read(PkiLayout layout, Clock clock) {
    return new IndexEntries(layout, clock, new ArrayList<>(CaIndex.read(layout.index())));
  }

  /** Every entry, in the order the CA issued them. */
  List<IssuedCertificate> all() {
    return List.copyOf(entries);
  }

  /** The entry of {@code serialHex}, if the CA issued it. */
  Optional<IssuedCertificate> bySerial(String serialHex) {
    return entries.stream().filter(entry -> entry.serialHex().equals(serialHex)).findFirst();
  }

  /** The newest valid certificate of {@code commonName} in {@code role}, if any. */
  Optional<IssuedCertificate> validFor(Role role, String commonName) {
    List<IssuedCertificate> valid = allValidFor(role, commonName);
    return valid.isEmpty() ? Optional.empty() : Optional.of(valid.get(valid.size() - 1));
  }

  /** Every valid certificate of {@code commonName} in {@code role}, oldest first. */
  List<IssuedCertificate> allValidFor(Role role, String commonName) {
    Instant now = clock.instant();
    return entries.stream()
        .filter(entry -> entry.role().equals(Optional.of(role)))
        .filter(entry -> entry.commonName().equals(commonName))
        .filter(entry -> entry.status(now) == IssuedCertificate.Status.VALID)
        .toList();
  }

  /**
   * The certificates {@code nameOrSerial} names: one serial in hex (with or without 0x and
   * leading zeros), or every valid certificate of a name in its one role.
   *
   * @throws PkiException when it names nothing, or is ambiguous, saying how to choose
   */
  List<IssuedCertificate> resolve(String nameOrSerial) {
    String serial = nameOrSerial.toUpperCase(Locale.ROOT).replaceFirst("^0X", "");
    List<IssuedCertificate> bySerial = entries.stream()
        .filter(entry -> stripZeros(entry.serialHex()).equals(stripZeros(serial))).toList();
    Instant now = clock.instant();
    List<IssuedCertificate> byName = entries.stream()
        .filter(entry -> entry.commonName().equals(nameOrSerial))
        .filter(entry -> entry.status(now) == IssuedCertificate.Status.VALID).toList();
    if (!bySerial.isEmpty() && !byName.isEmpty()) {
      throw new PkiException("'" + nameOrSerial + "' is both a serial and a name; revoke by "
          + "serial with the 0x prefix or pick the serial from 'pki list'");
    }
    if (bySerial.size() == 1) {
      return bySerial;
    }
    long roles = byName.stream().map(IssuedCertificate::role).distinct().count();
    if (roles > 1) {
      throw new PkiException("'" + nameOrSerial + "' has valid certificates in " + roles
          + " roles (a server and a peer?); revoke one by serial, see 'pki list'");
    }
    if (!byName.isEmpty()) {
      return byName;
    }
    throw new PkiException("no valid certificate named '" + nameOrSerial
        + "' and no certificate with that serial; see 'pki list'");
  }

  /** Puts {@code now} in the place of {@code before}. */
  void replace(IssuedCertificate before, IssuedCertificate now) {
    entries.set(entries.indexOf(before), now);
  }

  /** Adds a newly issued certificate at the end. */
  void add(IssuedCertificate entry) {
    entries.add(entry);
  }

  /** Writes the entries back to the index file. */
  void write() {
    CaIndex.write(layout.index(), entries);
  }

  private static String stripZeros(String hex) {
    String stripped = hex.replaceFirst("^0+", "");
    return stripped.isEmpty() ? "0" : stripped;
  }
}
