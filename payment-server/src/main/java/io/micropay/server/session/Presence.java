package io.micropay.server.session;

import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.OnlineList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who is online, at which address and listening port: the one owner of that knowledge. A second
 * login of the same account replaces the first, and the first session is handed back to be
 * closed. The sorted online list is built at most once per change, when someone asks for it, so
 * thousands of logins cost no sorting and thousands of {@code List} requests share one sort.
 */
public final class Presence {
  /** One online account. */
  public record Entry(String name, String ip, int port, Session session) {
  }

  /**
   * The online list at one moment, sorted by name, and its entries as the wire carries them
   * (count line and one line per entry), encoded once for every {@code List} that asks.
   */
  public record Snapshot(long version, List<Entry> entries, byte[] wireEntries) {
    static Snapshot of(long version, List<Entry> sortedEntries) {
      List<OnlineEntry> wire = new ArrayList<>(sortedEntries.size());
      for (Entry entry : sortedEntries) {
        wire.add(new OnlineEntry(entry.name(), entry.ip(), entry.port()));
      }
      return new Snapshot(version, List.copyOf(sortedEntries), OnlineList.encodeEntries(wire));
    }
  }

  private final Map<String, Entry> online = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final EventLog log;
  private volatile Snapshot snapshot = Snapshot.of(0, List.of());

  public Presence(EventLog log) {
    this.log = log;
  }

  /**
   * Puts {@code session} online as {@code name} at {@code ip:port}; returns the session it
   * replaced, if another one was online under that name.
   */
  Optional<Session> login(String name, String ip, int port, Session session) {
    Entry previous = online.put(name, new Entry(name, ip, port, session));
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
      changed();
    }
  }

  /** The session online as {@code name}, if any. */
  Optional<Session> sessionOf(String name) {
    return Optional.ofNullable(online.get(name)).map(Entry::session);
  }

  /** The current online list. */
  public Snapshot snapshot() {
    Snapshot current = snapshot;
    long wanted = version.get();
    if (current.version() == wanted) {
      return current;
    }
    synchronized (this) {
      current = snapshot;
      wanted = version.get();
      if (current.version() != wanted) {
        List<Entry> entries = new ArrayList<>(online.values());
        entries.sort(Comparator.comparing(Entry::name));
        current = Snapshot.of(wanted, entries);
        snapshot = current;
      }
      return current;
    }
  }

  /** How many accounts are online. */
  public int size() {
    return online.size();
  }

  private void changed() {
    version.incrementAndGet();
    log.onlineChanged(this);
  }
}
