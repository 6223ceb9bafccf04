package io.micropay.server.presence;

import io.micropay.protocol.OnlineEntry;
import java.util.List;
import java.util.Optional;

/**
 * Where the online list lives when several servers act as one service: each server publishes
 * its own sessions there and reads everyone's. One server on its own needs none (its memory is
 * the whole list).
 *
 * <p>A session is named by the server that holds it and that server's session id, so a login
 * on one server can tell another which of its sessions it replaced.
 */
public interface PresenceStore extends AutoCloseable {
  /** What the store tells the server that owns sessions. */
  interface Listener {
    /**
     * A newer login of {@code account} on another server, from {@code ip:port}, replaced this
     * server's session {@code sessionId}: end it.
     */
    void replacedElsewhere(String account, long sessionId, String ip, int port);

    /** The list changed on some server (or may have while the store could not tell). */
    void changed();

    /** This server's logged-in sessions now, for re-publishing and checks. */
    List<LocalSession> localSessions();
  }

  /** A session logged in on this server. */
  record LocalSession(String account, long sessionId, String ip, int port) {
  }

  /**
   * The online list as read at one moment, and until when it stays true without a change being
   * announced: the nearest lease expiry among the servers it lists.
   */
  record Listing(List<OnlineEntry> entries, long validUntilNanos) {
    public Listing {
      entries = List.copyOf(entries);
    }
  }

  /** Starts publishing this server's lease and listening for changes; calls {@code listener}. */
  void start(Listener listener);

  /**
   * Publishes that {@code account} is online here at {@code ip:port} in session
   * {@code sessionId}, replacing any older session of it on any server; returns once that is
   * durable, so the older session can no longer be the account's session anywhere.
   *
   * @throws PresenceException when the store cannot be reached
   */
  void claim(String account, String ip, int port, long sessionId);

  /** Takes {@code account} offline if {@code sessionId} here is still its session. */
  void release(String account, long sessionId);

  /** Everyone online on every live server. */
  Listing list();

  /** Where {@code account} is online now, on any server. */
  Optional<OnlineEntry> entryOf(String account);

  @Override
  void close();
}
