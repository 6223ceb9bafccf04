package io.micropay.server.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * An online backup of an embedded Derby ledger: Derby's {@code SYSCS_UTIL.SYSCS_BACKUP_DATABASE}
 * copies the database into a folder while transfers go on (they wait only while Derby copies
 * its log at the end). The copy is a complete database, restored by putting it in place of
 * {@code data/ledger} with the server stopped (docs/operations.md).
 */
public final class LedgerBackup {
  private final String url;

  public LedgerBackup(String url) {
    this.url = url;
  }

  /** Whether this ledger can be backed up this way (embedded Derby only). */
  public boolean isSupported() {
    return DerbyLifecycle.isEmbeddedDerby(url) && !url.startsWith("jdbc:derby:memory:");
  }

  /**
   * Copies the ledger into {@code folder}, which Derby fills with a folder named after the
   * database ({@code ledger}); returns that copy.
   *
   * @throws IllegalArgumentException if the folder is not absolute or the copy already exists
   * @throws LedgerException if the ledger is not embedded Derby or the backup fails
   */
  public Path backUpTo(Path folder) {
    if (!isSupported()) {
      throw new LedgerException("online backup is for the embedded Derby ledger; back up "
          + DerbyLifecycle.databaseName(url) + " with its own tools (pg_dump for PostgreSQL)");
    }
    if (!folder.isAbsolute()) {
      throw new IllegalArgumentException("the backup folder must be an absolute path, was "
          + folder);
    }
    Path copy = folder.resolve(Path.of(DerbyLifecycle.databaseName(url)).getFileName());
    if (Files.exists(copy)) {
      throw new IllegalArgumentException(copy + " already exists; choose a new folder");
    }
    try (Connection connection = DriverManager.getConnection(url);
        CallableStatement backup = connection.prepareCall(
            "CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(?)")) {
      backup.setString(1, folder.toString());
      backup.execute();
      return copy;
    } catch (SQLException e) {
      throw new LedgerException("the backup to " + folder + " failed: " + e.getMessage(), e);
    }
  }
}
