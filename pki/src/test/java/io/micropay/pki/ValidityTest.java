package io.micropay.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Validity periods: backdated for clock skew, bounded in length, never inverted. */
class ValidityTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  @Test
  void daysStartsAnHourBeforeNowAndEndsThatManyDaysAfter() {
    Validity validity = Validity.days(NOW, 365);
    assertEquals(NOW.minus(Duration.ofHours(1)), validity.notBefore());
    assertEquals(NOW.plus(Duration.ofDays(365)), validity.notAfter());
    assertTrue(validity.contains(NOW.minus(Duration.ofMinutes(59))));
    assertFalse(validity.contains(NOW.minus(Duration.ofMinutes(61))));
  }

  @Test
  void daysAreBoundedAtBothEnds() {
    assertEquals(NOW.plus(Duration.ofDays(1)), Validity.days(NOW, 1).notAfter());
    assertEquals(NOW.plus(Duration.ofDays(Validity.MAX_DAYS)),
        Validity.days(NOW, Validity.MAX_DAYS).notAfter());
    assertThrows(PkiException.class, () -> Validity.days(NOW, 0));
    assertThrows(PkiException.class, () -> Validity.days(NOW, Validity.MAX_DAYS + 1));
  }

  @Test
  void refusesAnEndBeforeTheStart() {
    assertThrows(PkiException.class, () -> new Validity(NOW, NOW));
    assertThrows(PkiException.class, () -> new Validity(NOW, NOW.minusSeconds(1)));
  }
}
