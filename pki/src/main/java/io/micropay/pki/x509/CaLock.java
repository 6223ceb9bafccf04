package io.micropay.pki.x509;

import io.micropay.pki.PkiException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a CA folder, held while a command changes the index, the issued
 * certificates or the CRL, so that two {@code pki} commands run at once cannot lose an entry.
 * Inside one JVM (the CA service serves requests on several threads) a lock per folder is taken
 * first, because a JVM may hold only one file lock on a file: a second attempt from another
 * thread would fail instead of waiting.
 */
public final class CaLock implements AutoCloseable {
  /** How long to wait for another pki command to finish, in milliseconds. */
  public static final long WAIT_MILLIS = 30_000;
  private static final long POLL_MILLIS = 50;

  private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

  private final FileChannel channel;
  private final FileLock lock;
  private final ReentrantLock local;

  private CaLock(FileChannel channel, FileLock lock, ReentrantLock local) {
    this.channel = channel;
    this.lock = lock;
    this.local = local;
  }

  /** Takes the lock file {@code lockFile}, waiting up to {@link #WAIT_MILLIS}. */
  public static CaLock acquire(Path lockFile) {
    ReentrantLock local = IN_THIS_JVM.computeIfAbsent(lockFile.toAbsolutePath().normalize(),
        path -> new ReentrantLock());
    try {
      if (!local.tryLock(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        throw new PkiException("another thread has held " + lockFile + " for more than "
            + WAIT_MILLIS / 1000 + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PkiException("interrupted while waiting for " + lockFile, e);
    }
    if (local.getHoldCount() > 1) {
      // This thread holds the folder already: the file lock is its outer acquisition's.
      return new CaLock(null, null, local);
    }
    try {
      return acquireFile(lockFile, local);
    } catch (RuntimeException e) {
      local.unlock();
      throw e;
    }
  }

  private static CaLock acquireFile(Path lockFile, ReentrantLock local) {
    try {
      Files.createDirectories(lockFile.toAbsolutePath().getParent());
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return new CaLock(channel, lock, local);
        }
        if (System.nanoTime() > deadline) {
          channel.close();
          throw new PkiException("another pki command has held " + lockFile + " for more than "
              + WAIT_MILLIS / 1000 + " s; try again when it has finished");
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (IOException e) {
      throw new PkiException("cannot lock " + lockFile + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PkiException("interrupted while waiting for " + lockFile, e);
    }
  }

  @Override
  public void close() {
    try {
      if (lock != null) {
        lock.release();
        channel.close();
      }
    } catch (IOException ignored) {
      // Closing the channel releases the lock in any case.
    } finally {
      local.unlock();
    }
  }
}
