package io.micropay.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CA applies PROTOCOL.md's account-name rule to every peer CN, at each boundary. */
class PeerNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "alice", "Bob", "z9", "a_b.c-d", "registered", "Lister",
      "abcdefghijklmnopqrstuvwxyzABCDEF"})
  void acceptsValidNames(String name) {
    assertTrue(PeerNames.isValid(name));
    assertEquals(name, PeerNames.requireValid(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1alice", "_a", ".a", "-a", "al ice", "al#ice", "al/ice",
      "abcdefghijklmnopqrstuvwxyzABCDEFG", "REGISTER", "register", "Deposit", "LIST", "list",
      "exit", "EXIT", "al\u00e9", "al\u0000ice", "\u00c9mile"})
  void rejectsInvalidNames(String name) {
    assertFalse(PeerNames.isValid(name));
    assertThrows(PkiException.class, () -> PeerNames.requireValid(name));
  }

  @org.junit.jupiter.api.Test
  void saysWhyANameIsTooLong() {
    PkiException e = assertThrows(PkiException.class,
        () -> PeerNames.requireValid("a".repeat(33)));
    assertTrue(e.getMessage().contains("33 characters"), e.getMessage());
  }
}
