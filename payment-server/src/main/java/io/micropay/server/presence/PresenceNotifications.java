package io.micropay.server.presence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection that LISTENs for presence changes, on a thread of its own: a login on one
 * server reaches the server whose session it replaced within the time of one round trip. When the
 * connection breaks it reconnects with a capped back-off, and says the list changed (it may have
 * missed notifications meanwhile; the heartbeat catches missed replacements).
 */
final class PresenceNotifications implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceNotifications.class);
  static final String CHANGED = "changed";
  private static final String REPLACED = "replaced";
  /** How long one wait for notifications lasts: the bound on noticing {@link #close()}. */
  private static final int POLL_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  /** NOTIFY payloads are at most 8000 bytes; ours are far shorter, anything longer is foreign. */
  private static final int MAX_PAYLOAD_CHARS = 300;

  /** What a notification means to this server. */
  interface Handler {
    void replaced(String account, long sessionId, String ip, int port);

    void changed();
  }

  private final ConnectionFactory factory;
  private final String channel;
  private final String serverId;
  private final Handler handler;
  private final Thread thread;
  private final Object lock = new Object();
  private volatile boolean closed;
  private Connection connection;

  private PresenceNotifications(ConnectionFactory factory, String channel, String serverId,
      Handler handler) {
    this.factory = factory;
    this.channel = channel;
    this.serverId = serverId;
    this.handler = handler;
    this.thread = new Thread(this::run, "presence-listener");
    this.thread.setDaemon(true);
  }

  static PresenceNotifications start(ConnectionFactory factory, String channel, String serverId,
      Handler handler) {
    PresenceNotifications notifications = new PresenceNotifications(factory, channel, serverId,
        handler);
    notifications.thread.start();
    return notifications;
  }

  /** The payload telling {@code server} that its session {@code sessionId} was replaced. */
  static String replaced(String server, String account, long sessionId, String ip, int port) {
    return String.join(" ", REPLACED, server, account, Long.toString(sessionId), ip,
        Integer.toString(port));
  }

  /** Sends {@code payload} on {@code channel}; delivered when the transaction commits. */
  static void notify(Connection connection, String channel, String payload)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      statement.setString(1, channel);
      statement.setString(2, payload);
      statement.execute();
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
      closeQuietly(connection);
    }
    try {
      thread.join(POLL_MILLIS * 4L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoffMillis = 100;
    while (!closed) {
      try (Connection listening = factory.open()) {
        synchronized (lock) {
          connection = listening;
        }
        try (Statement statement = listening.createStatement()) {
          statement.execute("LISTEN " + channel);
        }
        if (backoffMillis > 100) {
          LOG.info("listening for presence changes again");
        }
        backoffMillis = 100;
        handler.changed();
        PGConnection pg = listening.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] received = pg.getNotifications(POLL_MILLIS);
          if (received != null) {
            for (PGNotification notification : received) {
              dispatch(notification.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("presence notifications interrupted ({}); reconnecting in {} ms",
            e.getMessage(), backoffMillis);
        handler.changed();
        pause(backoffMillis);
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
      }
    }
  }

  private void dispatch(String payload) {
    if (CHANGED.equals(payload)) {
      handler.changed();
      return;
    }
    String[] fields = payload.length() > MAX_PAYLOAD_CHARS ? new String[0]
        : payload.split(" ", -1);
    if (fields.length != 6 || !REPLACED.equals(fields[0])) {
      LOG.warn("ignored a presence notification this server does not understand: {}",
          payload.substring(0, Math.min(payload.length(), 80)));
      return;
    }
    if (!fields[1].equals(serverId)) {
      return;
    }
    try {
      handler.replaced(fields[2], Long.parseLong(fields[3]), fields[4],
          Integer.parseInt(fields[5]));
    } catch (NumberFormatException e) {
      LOG.warn("ignored a malformed replacement notification: {}", payload);
    }
  }

  private void pause(long millis) {
    synchronized (lock) {
      if (!closed) {
        try {
          lock.wait(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
      }
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // It is being abandoned either way.
    }
  }
}
