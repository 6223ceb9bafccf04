package io.micropay.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PROTOCOL.md section 3's account-name rule, at each of its boundaries. */
class AccountNamesTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "alice", "Bob", "z9", "a_b.c-d", "registered", "Lister", "Exits",
      "abcdefghijklmnopqrstuvwxyzABCDEF"})
  void acceptsValidNames(String name) {
    assertTrue(AccountNames.isValid(name));
    assertNull(AccountNames.problem(name));
    assertEquals(name, AccountNames.requireValid(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1alice", "_a", ".a", "-a", "al ice", "al#ice", "al/ice",
      "abcdefghijklmnopqrstuvwxyzABCDEFG", "REGISTER", "register", "Deposit", "LIST", "list",
      "exit", "EXIT", "eXiT", "al\u00e9", "\u00e9", "al\u0000ice", "\u00c9mile", "a\n"})
  void refusesInvalidNames(String name) {
    assertFalse(AccountNames.isValid(name));
    assertThrows(IllegalArgumentException.class, () -> AccountNames.requireValid(name));
  }

  @Test
  void thirtyTwoCharactersAreAllowedAndThirtyThreeAreNot() {
    assertTrue(AccountNames.isValid("a".repeat(AccountNames.MAX_LENGTH)));
    assertEquals("account name is 33 characters long; the limit is 32",
        AccountNames.problem("a".repeat(AccountNames.MAX_LENGTH + 1)));
  }

  @Test
  void nullIsNoName() {
    assertFalse(AccountNames.isValid(null));
    assertEquals("an account name is required", AccountNames.problem(null));
  }

  @Test
  void everyReservedWordIsRefusedInAnyLetterCase() {
    for (String word : AccountNames.RESERVED_WORDS) {
      assertFalse(AccountNames.isValid(word), word);
      assertFalse(AccountNames.isValid(word.toUpperCase(java.util.Locale.ROOT)), word);
      assertTrue(AccountNames.isValid(word + "s"), word + "s is a name");
    }
  }

  @Test
  void saysWhatIsWrongInOneReadableLine() {
    assertEquals("account name '1alice' must start with a letter A-Z or a-z",
        AccountNames.problem("1alice"));
    assertEquals("account name 'al\\u000aice' has a character other than A-Z a-z 0-9 _ . -",
        AccountNames.problem("al\nice"));
    assertEquals("account name 'al\\u00e9' has a character other than A-Z a-z 0-9 _ . -",
        AccountNames.problem("al\u00e9"));
    assertEquals("'List' is a protocol command word, not an account name",
        AccountNames.problem("List"));
  }

  @Test
  void eachModuleGetsTheProblemInItsOwnExceptionType() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AccountNames.requireValid("al ice", IllegalStateException::new));
    assertEquals("account name 'al ice' has a character other than A-Z a-z 0-9 _ . -",
        e.getMessage());
  }
}
