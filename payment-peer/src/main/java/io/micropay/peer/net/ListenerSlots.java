package io.micropay.peer.net;

import java.net.Socket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Who holds the payee listener's threads, and which of them may be closed to make room for a
 * new payer: a connection only being kept for a next request first, then one still in its
 * handshake or still sending its request, the oldest first. A connection whose payer is waiting
 * for a decision, or whose verdict is being relayed, is doing real work and is never closed.
 * Also counts the connections of each payer, so that one certificate cannot take every thread.
 */
final class ListenerSlots {
  /** What a connection's thread is doing. */
  enum Phase {
    /** In the TLS handshake: nobody knows who it is yet. */
    HANDSHAKE,
    /** Sending its request line. */
    REQUEST,
    /** Kept open for a next request. */
    KEPT,
    /** The payee is deciding, or the verdict is being relayed: not to be closed. */
    WORKING
  }

  /** One connection holding a thread. */
  static final class Slot {
    private final Socket socket;
    private final AtomicBoolean evicted = new AtomicBoolean();
    private Phase phase = Phase.HANDSHAKE;
    private long sinceNanos = System.nanoTime();

    private Slot(Socket socket) {
      this.socket = socket;
    }

    /** Whether the acceptor closed this connection to make room. */
    boolean evicted() {
      return evicted.get();
    }

    Object remoteAddress() {
      return socket.getRemoteSocketAddress();
    }
  }

  private final Set<Slot> slots = new HashSet<>();
  private final Map<String, Integer> perPayer = new HashMap<>();
  private final int maxPerPayer;

  ListenerSlots(int maxPerPayer) {
    this.maxPerPayer = maxPerPayer;
  }

  synchronized Slot open(Socket socket) {
    Slot slot = new Slot(socket);
    slots.add(slot);
    return slot;
  }

  /** Moves {@code slot} to {@code phase}; false when it was closed to make room meanwhile. */
  synchronized boolean enter(Slot slot, Phase phase) {
    if (slot.evicted()) {
      return false;
    }
    slot.phase = phase;
    slot.sinceNanos = System.nanoTime();
    return true;
  }

  /**
   * Counts a connection of {@code payer}; false (and nothing counted) when the payer already
   * has {@link #maxPerPayer} at once.
   */
  synchronized boolean admitPayer(String payer) {
    int open = perPayer.getOrDefault(payer, 0);
    if (open >= maxPerPayer) {
      return false;
    }
    perPayer.put(payer, open + 1);
    return true;
  }

  synchronized void releasePayer(String payer) {
    perPayer.computeIfPresent(payer, (name, open) -> open > 1 ? open - 1 : null);
  }

  synchronized void close(Slot slot) {
    slots.remove(slot);
  }

  /**
   * Closes the connection least worth its thread, if one may be closed; returns it, or null
   * when every thread does real work.
   */
  Slot evictOne() {
    Slot victim;
    synchronized (this) {
      victim = null;
      for (Slot slot : slots) {
        if (slot.phase != Phase.WORKING && !slot.evicted() && isBetterVictim(slot, victim)) {
          victim = slot;
        }
      }
      if (victim == null) {
        return null;
      }
      victim.evicted.set(true);
      slots.remove(victim);
    }
    Sockets.closeQuietly(victim.socket);
    return victim;
  }

  /** A kept connection before any other; then the one in its phase longest. */
  private static boolean isBetterVictim(Slot candidate, Slot current) {
    if (current == null) {
      return true;
    }
    boolean candidateKept = candidate.phase == Phase.KEPT;
    boolean currentKept = current.phase == Phase.KEPT;
    if (candidateKept != currentKept) {
      return candidateKept;
    }
    return candidate.sinceNanos < current.sinceNanos;
  }
}
