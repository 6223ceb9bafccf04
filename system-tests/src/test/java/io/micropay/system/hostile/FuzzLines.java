package io.micropay.system.hostile;

import java.util.Random;

/**
 * Request lines for fuzzing: random bytes, protocol-looking noise, and valid requests mutated by
 * inserting, deleting, replacing or duplicating bytes. Deterministic for a given seed, so a
 * failure can be replayed. Characters stand for bytes 0 to 255, as the line framer delivers them.
 */
final class FuzzLines {
  private static final String[] TEMPLATES = {"REGISTER#alice", "REGISTER#alice#500",
      "alice#5000", "List", "Exit", "alice#300#bob", "alice#300#bob#0123abcd-0000-4000-8000",
      "DEPOSIT#alice#50", "fuzzer#1#bob#abcdefgh"};
  private static final String PROTOCOL_CHARACTERS =
      "#ListExitREGISTERDEPOSITalicebobfuzzer0123456789-_. ";
  /** The longest line generated: the protocol limit less a CRLF. */
  static final int MAX_LENGTH = 1022;

  private final Random random;

  FuzzLines(long seed) {
    this.random = new Random(seed);
  }

  String next() {
    return switch (random.nextInt(4)) {
      case 0 -> randomBytes();
      case 1 -> protocolNoise();
      default -> mutate(TEMPLATES[random.nextInt(TEMPLATES.length)]);
    };
  }

  private String randomBytes() {
    int length = random.nextInt(10) == 0 ? random.nextInt(MAX_LENGTH) : random.nextInt(40);
    StringBuilder line = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      line.append((char) random.nextInt(256));
    }
    return line.toString();
  }

  private String protocolNoise() {
    int length = 1 + random.nextInt(60);
    StringBuilder line = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      line.append(PROTOCOL_CHARACTERS.charAt(random.nextInt(PROTOCOL_CHARACTERS.length())));
    }
    return line.toString();
  }

  private String mutate(String template) {
    StringBuilder line = new StringBuilder(template);
    for (int mutations = 1 + random.nextInt(3); mutations > 0; mutations--) {
      int at = line.length() == 0 ? 0 : random.nextInt(line.length());
      char any = (char) random.nextInt(256);
      switch (random.nextInt(5)) {
        case 0 -> line.insert(at, any);
        case 1 -> {
          if (line.length() > 0) {
            line.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (line.length() > 0) {
            line.setCharAt(at, any);
          }
        }
        case 3 -> line.insert(at, '#');
        default -> line.setLength(at);
      }
    }
    return line.toString();
  }
}
