package io.micropay.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The online list's IP literals, at and past each limit of the hand-written IPv4 check. */
class IpLiteralsTest {
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "10.0.0.7", "001.2.3.4",
      "::1", "fe80::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1"})
  void valid(String text) {
    assertTrue(IpLiterals.isValid(text), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "256.0.0.1", "1.2.3.256", "1.2.3", "1.2.3.4.5", "1.2.3.4.",
      ".1.2.3.4", "1..2.3", "1234.1.1.1", "1.2.3.0004", "a.b.c.d", "1.2.3.4 ", " 1.2.3.4",
      "1.2.3.-4", "localhost", "example.com", ":", "12345::g", "1:2:3:4:5:6:7:8:9"})
  void invalid(String text) {
    assertFalse(IpLiterals.isValid(text), "'" + text + "'");
  }

  @Test
  void nullIsNotAnAddress() {
    assertFalse(IpLiterals.isValid(null));
  }
}
