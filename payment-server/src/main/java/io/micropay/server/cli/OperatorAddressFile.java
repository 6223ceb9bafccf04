package io.micropay.server.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <data-dir>/operator.url}: where the running server's operator endpoint is, written at
 * start-up and deleted at shutdown, so that {@code audit}, {@code accounts} and {@code backup}
 * on the same data folder find it. A file left by a crash names a port nobody listens on; the
 * commands then fall back to the ledger itself.
 */
final class OperatorAddressFile {
  /** The longest URL read from the file. */
  private static final int MAX_URL_BYTES = 512;
  private final Path file;

  OperatorAddressFile(Path dataDirectory) {
    this.file = dataDirectory.resolve("operator.url");
  }

  /** The URL of an endpoint at {@code address}; a wildcard address is dialled on loopback. */
  static String url(InetSocketAddress address) {
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1"
        : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "https://" + host + ":" + address.getPort() + "/";
  }

  void write(InetSocketAddress address) {
    try {
      Files.writeString(file, url(address) + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Harmless: a stale file only costs the commands one refused connection.
    }
  }

  Optional<String> read() {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_URL_BYTES) {
        return Optional.empty();
      }
      String url = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return url.startsWith("https://") ? Optional.of(url) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
