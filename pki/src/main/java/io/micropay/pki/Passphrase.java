package io.micropay.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A passphrase that protects a private key, read from a file or an environment variable so that
 * it never appears on a command line, in a process listing or in a log. {@link #toString()} never
 * shows it.
 */
public final class Passphrase {
  /** The longest passphrase read, in bytes; a longer file is surely the wrong file. */
  public static final int MAX_BYTES = 1024;

  private static final Passphrase NONE = new Passphrase(null, "no passphrase");

  private final char[] characters;
  private final String source;

  private Passphrase(char[] characters, String source) {
    this.characters = characters;
    this.source = source;
  }

  /** No passphrase: keys are written and read unencrypted. */
  public static Passphrase none() {
    return NONE;
  }

  /** A passphrase given directly, for tests and for programs that already hold one. */
  public static Passphrase of(char[] characters, String source) {
    if (characters.length == 0) {
      throw new PkiException("the passphrase from " + source + " is empty");
    }
    return new Passphrase(characters.clone(), source);
  }

  /** The first line of {@code file}, without its line ending. */
  public static Passphrase fromFile(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES + 2) {
        throw new PkiException("passphrase file " + file + " is larger than " + MAX_BYTES
            + " bytes; is it the right file?");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new PkiException("passphrase file " + file + " does not exist");
    } catch (IOException e) {
      throw new PkiException("cannot read passphrase file " + file + ": " + e.getMessage(), e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    int lineEnd = text.indexOf('\n');
    String firstLine = lineEnd < 0 ? text : text.substring(0, lineEnd);
    if (firstLine.endsWith("\r")) {
      firstLine = firstLine.substring(0, firstLine.length() - 1);
    }
    Arrays.fill(bytes, (byte) 0);
    return of(firstLine.toCharArray(), "file " + file);
  }

  /** The value of the environment variable {@code name}. */
  public static Passphrase fromEnvironment(String name) {
    String value = System.getenv(name);
    if (value == null) {
      throw new PkiException("environment variable " + name + " is not set");
    }
    if (value.length() > MAX_BYTES) {
      throw new PkiException("environment variable " + name + " is longer than " + MAX_BYTES
          + " characters");
    }
    return of(value.toCharArray(), "environment variable " + name);
  }

  /**
   * The passphrase from {@code file} or else from environment variable {@code variable}; none
   * when both are null. Command lines offer the two as mutually exclusive options.
   */
  public static Passphrase fromFileOrEnvironment(Path file, String variable) {
    if (file != null) {
      return fromFile(file);
    }
    return variable != null ? fromEnvironment(variable) : none();
  }

  /** Whether there is a passphrase at all. */
  public boolean isPresent() {
    return characters != null;
  }

  /** The characters, for a cipher; empty when there is none. */
  public Optional<char[]> characters() {
    return Optional.ofNullable(characters).map(char[]::clone);
  }

  /** Where the passphrase came from, for error messages: never the passphrase itself. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "Passphrase[" + source + "]";
  }
}
