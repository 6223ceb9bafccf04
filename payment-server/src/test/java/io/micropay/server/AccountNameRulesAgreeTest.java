package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micropay.pki.PeerNames;
import io.micropay.protocol.AccountName;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CA (pki) and the wire codec (payment-protocol) state the account-name rule separately,
 * because neither module may depend on the other; this test holds them to the same verdict.
 */
class AccountNameRulesAgreeTest {
  @Test
  void theCaAndTheCodecAgreeOnEveryName() {
    String[] names = {"a", "alice", "Bob", "z9", "a_b.c-d", "1alice", "_a", "-a", ".a", "",
        "al ice", "al#ice", "a".repeat(32), "a".repeat(33), "REGISTER", "register", "Deposit",
        "list", "LIST", "Exit", "exit", "Lists", "al\u00e9", "\u00e9", "a\u0000"};
    for (String name : names) {
      assertEquals(PeerNames.isValid(name), AccountName.isValid(name), name);
    }
    Random random = new Random(7);
    String alphabet = "aZ09_.-# \u00e9\u0000/";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder name = new StringBuilder();
      for (int length = random.nextInt(36); length > 0; length--) {
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertEquals(PeerNames.isValid(name.toString()), AccountName.isValid(name.toString()),
          name.toString());
    }
  }
}
