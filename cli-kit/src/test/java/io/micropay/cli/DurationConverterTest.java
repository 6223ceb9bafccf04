package io.micropay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** A duration on a command line is a whole number and a unit; anything else is refused. */
class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void readsEveryUnit() {
    assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
    assertEquals(Duration.ofSeconds(10), converter.convert("10s"));
    assertEquals(Duration.ofMinutes(5), converter.convert("5m"));
    assertEquals(Duration.ofHours(2), converter.convert("2h"));
    assertEquals(Duration.ofDays(1), converter.convert("1d"));
    assertEquals(Duration.ofSeconds(3), converter.convert(" 3S "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "", "s", "1.5s", "-1s", "10 s", "1w", "1234567890s"})
  void refusesWhatIsNotAWholeNumberAndAUnit(String text) {
    TypeConversionException e = assertThrows(TypeConversionException.class,
        () -> converter.convert(text));
    assertTrue(e.getMessage().contains("500ms, 10s, 5m, 2h or 1d"), e.getMessage());
  }
}
