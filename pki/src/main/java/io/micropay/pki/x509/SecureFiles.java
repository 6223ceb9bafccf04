package io.micropay.pki.x509;

import io.micropay.pki.PkiException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a reader never sees half of one: the content goes to a temporary file in
 * the same folder, is forced to disk, and is then moved over the target in one step. Secret files
 * (private keys) are created with mode 0600 from the start, so there is no moment in which another
 * user could open them.
 */
public final class SecureFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> WORLD_READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  private SecureFiles() {
  }

  /** Who may read a written file. */
  public enum Visibility {
    /** Mode 0600: private keys, passphrase-protected exports. */
    OWNER_ONLY,
    /** Mode 0644: certificates, CSRs, CRLs, the index. */
    PUBLIC
  }

  /** Replaces {@code target} with {@code content} atomically. */
  public static void write(Path target, byte[] content, Visibility visibility) {
    Path folder = target.toAbsolutePath().getParent();
    Path temporary = null;
    try {
      Files.createDirectories(folder);
      temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp",
          permissions(visibility));
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      moveIntoPlace(temporary, target);
      temporary = null;
    } catch (IOException e) {
      throw new PkiException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temporary);
    }
  }

  /** Writes {@code content} to {@code target} only if it does not exist yet. */
  public static void writeNew(Path target, byte[] content, Visibility visibility) {
    if (Files.exists(target)) {
      throw new PkiException(target + " already exists");
    }
    write(target, content, visibility);
  }

  private static FileAttribute<Set<PosixFilePermission>> permissions(Visibility visibility) {
    return PosixFilePermissions.asFileAttribute(
        visibility == Visibility.OWNER_ONLY ? OWNER_ONLY : WORLD_READABLE);
  }

  private static void moveIntoPlace(Path temporary, Path target) throws IOException {
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path temporary) {
    if (temporary == null) {
      return;
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // The write already failed and that failure is what the caller needs to see.
    }
  }
}
