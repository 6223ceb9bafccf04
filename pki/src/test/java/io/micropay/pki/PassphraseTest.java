package io.micropay.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passphrases come from the first line of a file, bounded, and never show in text. */
class PassphraseTest {
  @TempDir
  Path directory;

  @Test
  void readsTheFirstLineWithoutItsLineEnding() throws Exception {
    Path file = directory.resolve("pass");
    Files.writeString(file, "correct horse\r\nsecond line\n");
    assertArrayEquals("correct horse".toCharArray(),
        Passphrase.fromFile(file).characters().orElseThrow());
  }

  @Test
  void neverShowsThePassphraseInToString() throws Exception {
    Path file = directory.resolve("pass");
    Files.writeString(file, "s3cret-value");
    Passphrase passphrase = Passphrase.fromFile(file);
    assertFalse(passphrase.toString().contains("s3cret"), passphrase.toString());
    assertTrue(passphrase.toString().contains(file.toString()));
  }

  @Test
  void refusesEmptyMissingAndOversizedFiles() throws Exception {
    Path empty = directory.resolve("empty");
    Files.writeString(empty, "\n");
    assertThrows(PkiException.class, () -> Passphrase.fromFile(empty));
    assertThrows(PkiException.class, () -> Passphrase.fromFile(directory.resolve("missing")));
    Path atLimit = directory.resolve("at-limit");
    Files.writeString(atLimit, "x".repeat(Passphrase.MAX_BYTES));
    assertTrue(Passphrase.fromFile(atLimit).isPresent());
    Path tooLarge = directory.resolve("too-large");
    Files.writeString(tooLarge, "x".repeat(Passphrase.MAX_BYTES + 3));
    assertThrows(PkiException.class, () -> Passphrase.fromFile(tooLarge));
  }

  @Test
  void refusesAnUnsetEnvironmentVariable() {
    assertThrows(PkiException.class,
        () -> Passphrase.fromEnvironment("MICROPAY_TEST_SURELY_UNSET_VARIABLE"));
  }
}
