package io.micropay.system.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The figures the hostile suite measures (connections held, lines fuzzed, kill cycles survived,
 * transfers lost), appended to {@code target/hostile-figures.txt} so docs/security.md can quote
 * them with the command that produced them.
 */
final class Figures {
  private static final Path FILE = Path.of("target", "hostile-figures.txt");

  private Figures() {
  }

  static synchronized void report(String attack, long count, String result) {
    String line = Instant.now() + "  " + attack + ": " + count + "  (" + result + ")\n";
    System.out.print(line);
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
