package io.micropay.server.presence;

import io.micropay.protocol.OnlineEntry;
import io.micropay.rules.AccountNames;
import io.micropay.server.ledger.LedgerDatabase;
import io.micropay.server.ledger.LedgerException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The online list of several servers in one PostgreSQL database.
 *
 * <p>Each server has a row with a lease it renews every {@link #heartbeat}; the list shows only
 * the sessions of servers whose lease runs, so the sessions of a server that died without a word
 * leave the list when its lease ends. Each session has a row naming its server and session id; a
 * login takes the account's row under a per-account lock, and when the row named a session of
 * another server, tells that server through {@code NOTIFY} ({@link PresenceNotifications}) to end
 * it. Nothing here is on the transfer path: a transfer never waits for presence.
 */
public final class PostgresPresence implements PresenceStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresPresence.class);
  /** The NOTIFY channel every server listens on. */
  static final String CHANNEL = "micropay_presence";
  /** Serialises schema creation when several servers start at once (an arbitrary constant). */
  private static final long SCHEMA_LOCK = 0x6d6963726f706179L;
  /** How long a lease lasts; the bound for a dead server's entries is 15 s. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
  /** How often a server renews its lease and checks that its sessions are still its own. */
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(3);

  private static final String LIVE_ENTRIES = "SELECT p.account, p.ip, p.port, "
      + "EXTRACT(EPOCH FROM (s.lease_until - now())) * 1000 AS lease_left_millis "
      + "FROM micropay_presence p JOIN micropay_servers s ON s.server_id = p.server_id "
      + "WHERE s.lease_until > now() ORDER BY p.account";

  private final LedgerDatabase database;
  private final String serverId;
  private final String serverAddress;
  private final Duration lease;
  private final Duration heartbeat;
  private final ScheduledExecutorService timer;
  private final ExecutorService releases;
  private PresenceNotifications notifications;
  private Listener listener;

  /**
   * @param database the ledger's database: its pool serves claims, releases and lists, and it
   *     opens the one long-lived connection that LISTENs, outside the pool
   * @param serverId this server process, unique among every server ever started on the database
   * @param serverAddress where this server listens, for operators reading the table
   */
  public PostgresPresence(LedgerDatabase database, String serverId, String serverAddress,
      Duration lease, Duration heartbeat) {
    if (heartbeat.compareTo(lease) >= 0) {
      throw new IllegalArgumentException("the heartbeat (" + heartbeat
          + ") must be shorter than the lease (" + lease + ")");
    }
    this.database = database;
    this.serverId = serverId;
    this.serverAddress = serverAddress;
    this.lease = lease;
    this.heartbeat = heartbeat;
    this.timer = Executors.newSingleThreadScheduledExecutor(
        runnable -> daemon(runnable, "presence-heartbeat"));
    // Releases run off the session threads and in order, one at a time.
    this.releases = Executors.newSingleThreadExecutor(
        runnable -> daemon(runnable, "presence-release"));
  }

  /** This server's id in the tables. */
  public String serverId() {
    return serverId;
  }

  @Override
  public void start(Listener presenceListener) {
    this.listener = presenceListener;
    inTransaction("create the presence tables", connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        statement.execute("CREATE TABLE IF NOT EXISTS micropay_servers ("
            + "server_id VARCHAR(64) PRIMARY KEY, address VARCHAR(300) NOT NULL, "
            + "started_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
            + "lease_until TIMESTAMPTZ NOT NULL)");
        statement.execute("CREATE TABLE IF NOT EXISTS micropay_presence ("
            + "account VARCHAR(" + AccountNames.MAX_LENGTH + ") PRIMARY KEY, "
            + "server_id VARCHAR(64) NOT NULL REFERENCES micropay_servers (server_id) "
            + "ON DELETE CASCADE, session_id BIGINT NOT NULL, ip VARCHAR(45) NOT NULL, "
            + "port INTEGER NOT NULL, since TIMESTAMPTZ NOT NULL DEFAULT now())");
        statement.execute("CREATE INDEX IF NOT EXISTS micropay_presence_server "
            + "ON micropay_presence (server_id)");
      }
      return null;
    });
    register();
    notifications = PresenceNotifications.start(database::openDedicated, CHANNEL, serverId,
        new PresenceNotifications.Handler() {
          @Override
          public void replaced(String account, long sessionId, String ip, int port) {
            listener.replacedElsewhere(account, sessionId, ip, port);
          }

          @Override
          public void changed() {
            listener.changed();
          }
        });
    timer.scheduleWithFixedDelay(this::renew, heartbeat.toMillis(), heartbeat.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info("shared online list in PostgreSQL as server {} (lease {} s, renewed every {} s)",
        serverId, lease.toSeconds(), heartbeat.toSeconds());
  }

  @Override
  public void claim(String account, String ip, int port, long sessionId) {
    inTransaction("publish the login of " + account, connection -> {
      try (PreparedStatement lock = connection.prepareStatement(
              "SELECT pg_advisory_xact_lock(hashtext(?))");
          PreparedStatement current = connection.prepareStatement(
              "SELECT server_id, session_id FROM micropay_presence WHERE account = ? "
                  + "FOR UPDATE");
          PreparedStatement upsert = connection.prepareStatement(
              "INSERT INTO micropay_presence (account, server_id, session_id, ip, port) "
                  + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET "
                  + "server_id = EXCLUDED.server_id, session_id = EXCLUDED.session_id, "
                  + "ip = EXCLUDED.ip, port = EXCLUDED.port, since = now()")) {
        // A lock per account, so two logins racing on two servers are put in an order and the
        // second sees the first's row; FOR UPDATE alone locks nothing while no row exists.
        lock.setString(1, account);
        lock.execute();
        current.setString(1, account);
        String olderServer = null;
        long olderSession = 0;
        try (ResultSet row = current.executeQuery()) {
          if (row.next()) {
            olderServer = row.getString(1);
            olderSession = row.getLong(2);
          }
        }
        upsert.setString(1, account);
        upsert.setString(2, serverId);
        upsert.setLong(3, sessionId);
        upsert.setString(4, ip);
        upsert.setInt(5, port);
        upsert.executeUpdate();
        if (olderServer != null && !olderServer.equals(serverId)) {
          PresenceNotifications.notify(connection, CHANNEL, PresenceNotifications.replaced(
              olderServer, account, olderSession, ip, port));
        }
        PresenceNotifications.notify(connection, CHANNEL, PresenceNotifications.CHANGED);
      }
      return null;
    });
  }

  @Override
  public void release(String account, long sessionId) {
    releases.execute(() -> {
      try {
        inTransaction("take " + account + " offline", connection -> {
          try (PreparedStatement delete = connection.prepareStatement(
              "DELETE FROM micropay_presence WHERE account = ? AND server_id = ? "
                  + "AND session_id = ?")) {
            delete.setString(1, account);
            delete.setString(2, serverId);
            delete.setLong(3, sessionId);
            if (delete.executeUpdate() > 0) {
              PresenceNotifications.notify(connection, CHANNEL, PresenceNotifications.CHANGED);
            }
          }
          return null;
        });
      } catch (PresenceException e) {
        // The row stays until the next heartbeat finds it is no session of ours any more.
        LOG.warn("{}", e.getMessage());
      }
    });
  }

  @Override
  public Listing list() {
    return inTransaction("read the online list", connection -> {
      List<OnlineEntry> entries = new ArrayList<>();
      double nearestLeaseMillis = lease.toMillis();
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(LIVE_ENTRIES)) {
        while (rows.next()) {
          entries.add(new OnlineEntry(rows.getString(1), rows.getString(2), rows.getInt(3)));
          nearestLeaseMillis = Math.min(nearestLeaseMillis, rows.getDouble(4));
        }
      }
      return new Listing(entries,
          System.nanoTime() + (long) (Math.max(0, nearestLeaseMillis) * 1_000_000L));
    });
  }

  @Override
  public Optional<OnlineEntry> entryOf(String account) {
    return inTransaction("find " + account + " in the online list", connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT ip, port FROM micropay_presence WHERE account = ?")) {
        query.setString(1, account);
        try (ResultSet row = query.executeQuery()) {
          return row.next() ? Optional.of(new OnlineEntry(account, row.getString(1),
              row.getInt(2))) : Optional.<OnlineEntry>empty();
        }
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
    releases.shutdown();
    try {
      releases.awaitTermination(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (notifications != null) {
      notifications.close();
    }
    try {
      // Leaving cleanly: this server's sessions leave every list now, not at lease expiry.
      inTransaction("leave the shared online list", connection -> {
        try (PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM micropay_servers WHERE server_id = ?")) {
          delete.setString(1, serverId);
          delete.executeUpdate();
          PresenceNotifications.notify(connection, CHANNEL, PresenceNotifications.CHANGED);
        }
        return null;
      });
    } catch (PresenceException e) {
      LOG.warn("{}; this server's entries leave the list when its lease ends", e.getMessage());
    }
  }

  /** Adds or refreshes this server's row; false when it was gone (its lease had lapsed). */
  private boolean register() {
    return inTransaction("renew this server's lease", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
              "UPDATE micropay_servers SET lease_until = now() + ? * INTERVAL '1 millisecond' "
                  + "WHERE server_id = ?");
          PreparedStatement insert = connection.prepareStatement(
              "INSERT INTO micropay_servers (server_id, address, lease_until) "
                  + "VALUES (?, ?, now() + ? * INTERVAL '1 millisecond')");
          PreparedStatement expired = connection.prepareStatement(
              "DELETE FROM micropay_servers WHERE lease_until < now()")) {
        update.setLong(1, lease.toMillis());
        update.setString(2, serverId);
        boolean present = update.executeUpdate() > 0;
        if (!present) {
          insert.setString(1, serverId);
          insert.setString(2, serverAddress);
          insert.setLong(3, lease.toMillis());
          insert.executeUpdate();
        }
        // Any live server removes the rows of the dead (their sessions go with them).
        if (expired.executeUpdate() > 0) {
          PresenceNotifications.notify(connection, CHANNEL, PresenceNotifications.CHANGED);
        }
        return present;
      }
    });
  }

  /**
   * The heartbeat: renew the lease; publish again the sessions whose rows are gone (the lease
   * had lapsed while the database was away); end the sessions a login elsewhere replaced while
   * its notification could not reach us.
   */
  private void renew() {
    try {
      if (!register()) {
        LOG.warn("this server's lease had lapsed; publishing its sessions again");
      }
      List<LocalSession> local = listener.localSessions();
      Map<String, Owner> owners = owners(local);
      for (LocalSession session : local) {
        Owner owner = owners.get(session.account());
        if (owner == null) {
          claimIfFree(session);
        } else if (!owner.serverId().equals(serverId)
            || owner.sessionId() != session.sessionId()) {
          listener.replacedElsewhere(session.account(), session.sessionId(), owner.ip(),
              owner.port());
        }
      }
    } catch (PresenceException e) {
      LOG.warn("{}; the online list may be out of date until the database answers",
          e.getMessage());
      listener.changed();
    } catch (RuntimeException e) {
      LOG.error("presence heartbeat failed", e);
    }
  }

  /** Who holds each account's row now. */
  private record Owner(String serverId, long sessionId, String ip, int port) {
  }

  private Map<String, Owner> owners(List<LocalSession> local) {
    Map<String, Owner> owners = new HashMap<>();
    if (local.isEmpty()) {
      return owners;
    }
    return inTransaction("check this server's sessions", connection -> {
      String[] accounts = local.stream().map(LocalSession::account).toArray(String[]::new);
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT account, server_id, session_id, ip, port FROM micropay_presence "
              + "WHERE account = ANY (?)")) {
        query.setArray(1, connection.createArrayOf("varchar", accounts));
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            owners.put(rows.getString(1), new Owner(rows.getString(2), rows.getLong(3),
                rows.getString(4), rows.getInt(5)));
          }
        }
      }
      return owners;
    });
  }

  /** Publishes a session whose row is gone, unless another login took the account meanwhile. */
  private void claimIfFree(LocalSession session) {
    inTransaction("publish " + session.account() + " again", connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO micropay_presence (account, server_id, session_id, ip, port) "
              + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account) DO NOTHING")) {
        insert.setString(1, session.account());
        insert.setString(2, serverId);
        insert.setLong(3, session.sessionId());
        insert.setString(4, session.ip());
        insert.setInt(5, session.port());
        if (insert.executeUpdate() > 0) {
          PresenceNotifications.notify(connection, CHANNEL, PresenceNotifications.CHANGED);
        }
      }
      return null;
    });
  }

  /**
   * {@code work} in one transaction of the ledger's database (which reruns it when the database
   * rolled it back, a deadlock say), committed; a failure is this store's.
   */
  private <T> T inTransaction(String what, LedgerDatabase.Work<T> work) {
    try {
      return database.inTransaction(connection -> {
        T result = work.run(connection);
        connection.commit();
        return result;
      });
    } catch (LedgerException e) {
      throw new PresenceException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }
}
