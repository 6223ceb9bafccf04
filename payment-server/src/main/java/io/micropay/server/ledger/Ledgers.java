package io.micropay.server.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Where ledgers live: the JDBC URLs of the usual places. */
public final class Ledgers {
  private Ledgers() {
  }

  /**
   * The embedded Derby ledger in {@code dataDirectory}:
   * {@code jdbc:derby:<dataDirectory>/ledger;create=true}, with the directory made absolute so
   * that the server's working directory does not decide which ledger it opens. Derby creates the
   * database on first use.
   */
  public static String derbyUrl(Path dataDirectory) {
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    return "jdbc:derby:" + dataDirectory.resolve("ledger").toAbsolutePath() + ";create=true";
  }

  /**
   * The embedded Derby ledger in {@code dataDirectory}, which must exist already: commands that
   * only inspect a ledger never create an empty one where a folder name was mistyped.
   *
   * @throws LedgerException when there is no ledger there
   */
  public static String existingDerbyUrl(Path dataDirectory) {
    Path ledger = dataDirectory.resolve("ledger");
    if (!Files.isDirectory(ledger)) {
      throw new LedgerException("there is no ledger in " + dataDirectory
          + " (no folder 'ledger'); is --data-dir right?");
    }
    return "jdbc:derby:" + ledger.toAbsolutePath();
  }

  /**
   * An in-memory Derby ledger named {@code name}, for tests and demos: gone when the ledger is
   * closed (it is dropped) or the JVM exits.
   */
  public static String derbyInMemoryUrl(String name) {
    Objects.requireNonNull(name, "name");
    return "jdbc:derby:memory:" + name + ";create=true";
  }
}
