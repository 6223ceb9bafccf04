package io.micropay.pki.tls;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes a blocking socket whose TLS handshake is still running at its deadline. A read timeout
 * alone does not bound a handshake: a client that sends one byte just before each timeout can keep
 * a handshake, and the thread running it, alive forever. One shared daemon thread serves every
 * socket; cancelled deadlines are removed at once so the queue holds only live handshakes.
 */
public final class HandshakeDeadline {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private HandshakeDeadline() {
  }

  /** Arms a deadline: {@code connection} is closed after {@code timeoutMillis} unless cancelled. */
  public static ScheduledFuture<?> arm(Closeable connection, int timeoutMillis) {
    return TIMER.schedule(() -> closeQuietly(connection), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static void closeQuietly(Closeable connection) {
    try {
      connection.close();
    } catch (IOException ignored) {
      // Closing is all the deadline can do; the handshake thread reports the failure.
    }
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "tls-handshake-deadline");
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
