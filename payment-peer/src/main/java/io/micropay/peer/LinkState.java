package io.micropay.peer;

import io.micropay.peer.net.ServerSession;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * Where a {@link ServerLink} stands: online with a session, reconnecting (which attempt, to
 * which server, when the next one is due), or stopped for good and why. Not thread-safe: the
 * link guards it with its own monitor.
 */
final class LinkState {
  private final List<ServerAddress> servers;
  ServerSession session;
  /** The server of the session, or of the next attempt. */
  int serverIndex;
  /** The next reconnect attempt, counting from 1; 0 while online or before the first connect. */
  int attempt;
  long nextAttemptNanos;
  boolean attemptRunning;
  long offlineSinceNanos;
  String lastFailure;
  PeerFailure stopReason;
  boolean closed;
  ScheduledFuture<?> keepAlive;
  ScheduledFuture<?> attemptTimer;

  LinkState(List<ServerAddress> servers) {
    this.servers = servers;
  }

  /** Whether a lost session is being re-established. */
  boolean reconnecting() {
    return session == null && attempt > 0 && stopReason == null && !closed;
  }

  /** The session was lost (or never made) for {@code reason}: reconnect, next server first. */
  void lost(String reason, int serverCount) {
    session = null;
    lastFailure = reason;
    attempt = 1;
    offlineSinceNanos = System.nanoTime();
    serverIndex = (serverIndex + 1) % serverCount;
  }

  /** An attempt failed; returns the reason when it differs from the last one, else null. */
  String failed(String reason, int serverCount) {
    attempt++;
    serverIndex = (serverIndex + 1) % serverCount;
    String changed = reason.equals(lastFailure) ? null : reason;
    lastFailure = reason;
    return changed;
  }

  /** {@code session}, with server {@code index}, is up; returns the line that says so. */
  String online(ServerSession current, int index) {
    String back = "back online at " + current.server();
    if (attempt > 0) {
      long offlineSeconds = (System.nanoTime() - offlineSinceNanos) / 1_000_000_000L;
      back += " (after " + attempt + (attempt == 1 ? " attempt, " : " attempts, ")
          + offlineSeconds + " s offline)";
    }
    session = current;
    serverIndex = index;
    attempt = 0;
    attemptRunning = false;
    lastFailure = null;
    stopReason = null;
    return back;
  }

  void cancelTimers() {
    if (keepAlive != null) {
      keepAlive.cancel(false);
      keepAlive = null;
    }
    if (attemptTimer != null) {
      attemptTimer.cancel(false);
      attemptTimer = null;
    }
  }

  /** One line for a command that needs the server now. */
  String describe() {
    if (session != null) {
      return "online at " + session.server();
    }
    if (closed) {
      return "offline: the peer is shutting down";
    }
    if (stopReason != null) {
      return "offline, not reconnecting: " + stopReason.getMessage();
    }
    if (attempt == 0) {
      return "not connected to the server";
    }
    ServerAddress next = servers.get(serverIndex);
    if (attemptRunning) {
      return "offline: reconnecting to " + next + ", attempt " + attempt + " under way";
    }
    long seconds = Math.max(0, (nextAttemptNanos - System.nanoTime() + 999_999_999L)
        / 1_000_000_000L);
    return "offline: reconnecting to " + next + ", attempt " + attempt + ", next in " + seconds
        + " s";
  }
}
