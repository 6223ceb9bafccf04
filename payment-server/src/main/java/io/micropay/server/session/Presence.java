package io.micropay.server.session;

import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.OnlineList;
import io.micropay.server.presence.PresenceException;
import io.micropay.server.presence.PresenceStore;
import io.micropay.server.presence.PresenceStore.LocalSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online, at which address and listening port: the one owner of that knowledge. A second
 * login of the same account replaces the first, and the first session is handed back to be
 * closed. The sorted online list is built at most once per change, when someone asks for it, so
 * thousands of logins cost no sorting and thousands of {@code List} requests share one sort.
 *
 * <p>When several servers act as one service, a {@link PresenceStore} holds everyone's list: a
 * login here is published there before it is answered (and ends the older session on whichever
 * server holds it), and the list is read from there, again at most once per change.
 */
public final class Presence implements PresenceStore.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);
  /**
   * One account online here.
   *
   * @param published whether the shared store knows it (always true on a server alone)
   */
  record Entry(String name, String ip, int port, Session session, boolean published) {
    OnlineEntry online() {
      return new OnlineEntry(name, ip, port);
    }
  }

  /**
   * The online list at one moment, sorted by name, and its entries as the wire carries them
   * (count line and one line per entry), encoded once for every {@code List} that asks.
   */
  public record Snapshot(long version, List<OnlineEntry> entries, byte[] wireEntries,
      long validUntilNanos) {
    static Snapshot of(long version, List<OnlineEntry> entries, long validUntilNanos) {
      List<OnlineEntry> sorted = new ArrayList<>(entries);
      sorted.sort(Comparator.comparing(OnlineEntry::name));
      return new Snapshot(version, List.copyOf(sorted), OnlineList.encodeEntries(sorted),
          validUntilNanos);
    }

    boolean isCurrent(long wantedVersion) {
      return version == wantedVersion && System.nanoTime() - validUntilNanos < 0;
    }
  }

  private final Map<String, Entry> online = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final EventLog log;
  private final PresenceStore shared;
  private volatile Snapshot snapshot = Snapshot.of(0, List.of(), Long.MAX_VALUE);

  /** The presence of a server on its own. */
  public Presence(EventLog log) {
    this(log, null);
  }

  /** The presence of one of several servers sharing {@code shared}; null for a server alone. */
  public Presence(EventLog log, PresenceStore shared) {
    this.log = log;
    this.shared = shared;
    if (shared != null) {
      shared.start(this);
    }
  }

  /**
   * Puts {@code session} online as {@code name} at {@code ip:port}; returns the session it
   * replaced here, if another one was online under that name. With a shared store the login is
   * published there first, which ends an older session on another server.
   *
   * @throws PresenceException when the shared store cannot be reached; nothing changed then
   */
  Optional<Session> login(String name, String ip, int port, Session session) {
    Entry entry = new Entry(name, ip, port, session, shared == null);
    Entry previous = online.put(name, entry);
    if (shared != null) {
      try {
        shared.claim(name, ip, port, session.connection().id());
      } catch (PresenceException e) {
        restore(name, entry, previous);
        throw e;
      }
      // Published: from now on the heartbeat may check it against the shared row.
      online.replace(name, entry, new Entry(name, ip, port, session, true));
    }
    changed();
    if (previous == null || previous.session() == session) {
      return Optional.empty();
    }
    return Optional.of(previous.session());
  }

  /** Takes {@code session} offline, if it is still the one online under {@code name}. */
  void leave(String name, Session session) {
    Entry entry = online.get(name);
    if (entry != null && entry.session() == session && online.remove(name, entry)) {
      if (shared != null) {
        shared.release(name, session.connection().id());
      }
      changed();
    }
  }

  @Override
  public void replacedElsewhere(String account, long sessionId, String ip, int port) {
    Entry entry = online.get(account);
    if (entry != null && entry.session().connection().id() == sessionId) {
      entry.session().replacedBy(ip, port);
    }
  }

  @Override
  public void changed() {
    version.incrementAndGet();
    log.onlineChanged(this);
  }

  @Override
  public List<LocalSession> localSessions() {
    List<LocalSession> sessions = new ArrayList<>(online.size());
    for (Entry entry : online.values()) {
      if (entry.published()) {
        sessions.add(new LocalSession(entry.name(), entry.session().connection().id(),
            entry.ip(), entry.port()));
      }
    }
    return sessions;
  }

  /** Stops taking part in the shared list (this server's entries leave it). */
  public void close() {
    if (shared != null) {
      shared.close();
    }
  }

  private void restore(String name, Entry failed, Entry previous) {
    if (previous == null) {
      online.remove(name, failed);
    } else {
      online.replace(name, failed, previous);
    }
  }

  /** The session online as {@code name}, if any. */
  Optional<Session> sessionOf(String name) {
    return Optional.ofNullable(online.get(name)).map(Entry::session);
  }

  /** Where {@code account} is online now, on this server or (when shared) on any. */
  Optional<OnlineEntry> entryOf(String account) {
    if (shared != null) {
      return shared.entryOf(account);
    }
    return Optional.ofNullable(online.get(account)).map(Entry::online);
  }

  /** The current online list. */
  public Snapshot snapshot() {
    Snapshot current = snapshot;
    if (current.isCurrent(version.get())) {
      return current;
    }
    synchronized (this) {
      current = snapshot;
      long wanted = version.get();
      if (!current.isCurrent(wanted)) {
        current = build(wanted);
        snapshot = current;
      }
      return current;
    }
  }

  /** How many accounts are online on this server. */
  public int size() {
    return online.size();
  }

  private Snapshot build(long wanted) {
    if (shared != null) {
      try {
        PresenceStore.Listing listing = shared.list();
        return Snapshot.of(wanted, listing.entries(), listing.validUntilNanos());
      } catch (PresenceException e) {
        // The database is away: this server's own sessions are what it can vouch for. Try the
        // store again at the next request, not in a hot loop: valid for one second.
        LOG.warn("{}; listing this server's sessions only", e.getMessage());
        return Snapshot.of(wanted, localEntries(), System.nanoTime() + 1_000_000_000L);
      }
    }
    return Snapshot.of(wanted, localEntries(), Long.MAX_VALUE);
  }

  private List<OnlineEntry> localEntries() {
    List<OnlineEntry> entries = new ArrayList<>(online.size());
    for (Entry entry : online.values()) {
      entries.add(entry.online());
    }
    return entries;
  }
}
