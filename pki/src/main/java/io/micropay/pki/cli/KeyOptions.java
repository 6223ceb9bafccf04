package io.micropay.pki.cli;

import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The type of a new key, and the passphrase it is encrypted with, if any. */
final class KeyOptions {
  @Mixin
  KeyAlgorithmOption algorithmOption = new KeyAlgorithmOption();

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  KeyPassphrase keyPassphrase;

  static final class KeyPassphrase {
    @Option(names = "--key-passphrase-file", paramLabel = "<file>",
        description = "The private key's passphrase is the first line of this file.")
    Path file;

    @Option(names = "--key-passphrase-env", paramLabel = "<variable>",
        description = "The private key's passphrase is in this environment variable.")
    String environmentVariable;
  }

  KeyAlgorithm algorithm() {
    return algorithmOption.algorithm;
  }

  Passphrase passphrase() {
    return keyPassphrase == null ? Passphrase.none()
        : Passphrase.fromFileOrEnvironment(
            keyPassphrase.file, keyPassphrase.environmentVariable);
  }

  /** The {@code --key-algorithm} option alone, for commands that make a key with no passphrase. */
  static final class KeyAlgorithmOption {
    @Option(names = "--key-algorithm", paramLabel = "<algorithm>", defaultValue = "ec-p256",
        converter = KeyAlgorithmConverter.class,
        description = "Key type: ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096 "
            + "(default: ${DEFAULT-VALUE}).")
    KeyAlgorithm algorithm;
  }

  /** Picocli converter for the command-line spelling of a key algorithm. */
  static final class KeyAlgorithmConverter implements ITypeConverter<KeyAlgorithm> {
    @Override
    public KeyAlgorithm convert(String value) {
      try {
        return KeyAlgorithm.parse(value);
      } catch (PkiException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
