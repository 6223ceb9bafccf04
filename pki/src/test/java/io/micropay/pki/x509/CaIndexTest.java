package io.micropay.pki.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.IssuedCertificate;
import io.micropay.pki.PkiException;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index is written in OpenSSL's format and read back exactly. */
class CaIndexTest {
  @TempDir
  Path directory;

  @Test
  void writesOpenSslIndexLines() {
    IssuedCertificate valid = entry("0A1B", "alice", Instant.parse("2027-11-24T02:01:50Z"));
    assertEquals("V\t271124020150Z\t\t0A1B\tunknown\t/OU=peer/CN=alice", CaIndex.format(valid));
    IssuedCertificate revoked = valid.revoked(Instant.parse("2026-11-24T10:00:00Z"),
        RevocationReason.KEY_COMPROMISE);
    assertEquals("R\t271124020150Z\t261124100000Z,keyCompromise\t0A1B\tunknown\t/OU=peer/CN=alice",
        CaIndex.format(revoked));
  }

  @Test
  void roundTripsEntriesIncludingDatesFrom2050On() {
    Path file = directory.resolve("index.txt");
    List<IssuedCertificate> entries = List.of(
        entry("01", "alice", Instant.parse("2027-01-01T00:00:00Z")),
        entry("02", "bob", Instant.parse("2051-06-30T12:34:56Z"))
            .revoked(Instant.parse("2026-11-24T00:00:00Z"), RevocationReason.SUPERSEDED));
    CaIndex.write(file, entries);
    assertEquals(entries, CaIndex.read(file));
  }

  @Test
  void aMissingIndexIsEmpty() {
    assertTrue(CaIndex.read(directory.resolve("absent.txt")).isEmpty());
  }

  @Test
  void aDamagedLineIsReportedWithItsNumber() throws Exception {
    Path file = directory.resolve("index.txt");
    Files.writeString(file, CaIndex.format(entry("01", "alice", Instant.now())) + "\nV\tbroken\n");
    PkiException e = assertThrows(PkiException.class, () -> CaIndex.read(file));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  private static IssuedCertificate entry(String serial, String name, Instant notAfter) {
    return new IssuedCertificate(serial, "/OU=peer/CN=" + name, name, Optional.of(Role.PEER),
        notAfter, Optional.empty(), Optional.empty());
  }
}
