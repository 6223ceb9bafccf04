package io.micropay.server.cli;

import io.micropay.pki.PkiLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How {@code audit}, {@code accounts} and {@code backup} reach a running server: its operator
 * endpoint, named by {@code --operator-url} or found in {@code <data-dir>/operator.url}, with an
 * operator certificate from {@code <ssl-dir>/operators/}.
 */
final class OperatorOptions {
  @Option(names = "--operator-url", paramLabel = "<https-url>",
      description = "The running server's operator endpoint (default: the one named in "
          + "<data-dir>/operator.url, which a running server writes).")
  String url;

  @Option(names = "--operator", paramLabel = "<name>",
      description = "The operator certificate ssl/operators/<name>.crt to present (default: "
          + "the only one there).")
  String operatorName;

  @Option(names = "--ssl-dir", paramLabel = "<folder>", defaultValue = "ssl",
      description = "Folder with ca.crt and operators/ (default: ${DEFAULT-VALUE}).")
  Path sslDirectory;

  /**
   * Asks the running server for {@code path}: its answer, or empty when no server runs on
   * {@code dataDirectory} (no endpoint named, or a stale one nobody listens on).
   *
   * @throws IOException when a named endpoint cannot be asked or answers with an error
   */
  Optional<String> ask(Path dataDirectory, String path, String postBody) throws IOException {
    boolean explicit = url != null;
    Optional<String> endpoint = explicit ? Optional.of(url)
        : new OperatorAddressFile(dataDirectory).read();
    if (endpoint.isEmpty()) {
      return Optional.empty();
    }
    OperatorClient client = new OperatorClient(new PkiLayout(sslDirectory), operatorName,
        endpoint.get());
    OperatorClient.Answer answer;
    try {
      answer = postBody == null ? client.get(path) : client.post(path, postBody);
    } catch (OperatorClient.NotRunning e) {
      if (explicit) {
        throw e;
      }
      return Optional.empty();
    }
    if (answer.status() != 200) {
      throw new IOException("the server answered " + answer.status() + ": " + answer.body());
    }
    return Optional.of(answer.body());
  }
}
