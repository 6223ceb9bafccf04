package io.micropay.peer;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.net.ServerSession;
import io.micropay.peer.net.SessionEnd;
import io.micropay.pki.TlsFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's link to the payment service: its current session with one of the configured
 * servers, and what happens when that session ends. A lost session is noticed at once (the
 * session's reader sees the end), said in one line, and re-established by itself with capped
 * back-off and jitter, trying the servers in turn and logging in again on the same listener port.
 * It does not retry where retrying cannot help, and says so: a newer login of the same account
 * replaced this one (two processes must never take turns logging each other out), the
 * certificate was revoked or expired, or the server does not know the account. Meanwhile every
 * request fails at once with one line that says where the link stands.
 *
 * <p>On a version-2 session it also sends the keep-alive, well inside the server's idle timeout,
 * which it asks the server for.
 */
final class ServerLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerLink.class);
  /** The keep-alive's period is a third of the server's idle timeout, within these bounds. */
  static final Duration MIN_KEEP_ALIVE = Duration.ofMillis(200);
  static final Duration MAX_KEEP_ALIVE = Duration.ofMinutes(5);

  /** What the node does on each new session before it counts as up: log in again, say. */
  @FunctionalInterface
  interface SessionSetup {
    void prepare(ServerSession session) throws IOException;
  }

  private final TlsFactory tls;
  private final PeerConfig config;
  private final PeerEvents events;
  private final Backoff backoff;
  private final SessionSetup setup;
  private final ScheduledExecutorService timer;
  private final CompletableFuture<PeerFailure> stopped = new CompletableFuture<>();
  private final LinkState state;

  ServerLink(TlsFactory tls, PeerConfig config, PeerEvents events, Backoff backoff,
      SessionSetup setup) {
    this.tls = tls;
    this.config = config;
    this.events = events;
    this.backoff = backoff;
    this.setup = setup;
    this.state = new LinkState(config.servers());
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "server-link");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.timer = executor;
  }

  /**
   * Connects to the first server that answers, each tried once, in order.
   *
   * @throws PeerFailure saying why none could be reached (for one server, today's message)
   */
  ServerSession connectNow() {
    List<ServerAddress> servers = config.servers();
    PeerFailure last = null;
    StringBuilder tried = new StringBuilder();
    for (int index = 0; index < servers.size(); index++) {
      try {
        return install(open(index), index, false);
      } catch (PeerFailure e) {
        last = e;
        tried.append(tried.length() == 0 ? "" : "; ").append(e.getMessage());
        if (StopReasons.afterFailure(e, tls).isPresent()) {
          break;
        }
      }
    }
    if (servers.size() == 1 || last.kind() != Kind.SERVER_UNREACHABLE) {
      throw last;
    }
    throw new PeerFailure(Kind.SERVER_UNREACHABLE, "cannot reach any of the servers: " + tried,
        last);
  }

  /**
   * As {@link #connectNow}, but a failure that a retry can cure starts reconnecting instead of
   * failing: for a peer that is meant to stay online.
   *
   * @throws PeerFailure when retrying cannot help
   */
  void connectOrKeepTrying() {
    try {
      connectNow();
    } catch (PeerFailure e) {
      if (StopReasons.afterFailure(e, tls).isPresent()) {
        throw e;
      }
      synchronized (state) {
        state.lost(e.getMessage(), config.servers().size());
      }
      scheduleAttempt("offline: " + e.getMessage());
    }
  }

  /** The current session; PeerFailure saying where the link stands when there is none. */
  ServerSession session() {
    synchronized (state) {
      if (state.session != null) {
        return state.session;
      }
      throw new PeerFailure(state.stopReason != null ? state.stopReason.kind()
          : Kind.SERVER_UNREACHABLE, status());
    }
  }

  /**
   * The current session, waiting up to {@code timeout} for a reconnect under way, and for one
   * to replace {@code failed} (a session a request just failed on; null for none): a retry
   * must not find the broken session again before its end is noticed.
   */
  ServerSession awaitSession(Duration timeout, ServerSession failed)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (state) {
      // A session whose end is not handled yet counts as lost already.
      while (!state.closed && (state.reconnecting() || state.session != null
          && (state.session == failed || state.session.isEnded()))) {
        long leftNanos = deadline - System.nanoTime();
        if (leftNanos <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(state, leftNanos);
      }
      return session();
    }
  }

  /** Whether a lost session is being re-established. */
  boolean isReconnecting() {
    synchronized (state) {
      return state.reconnecting();
    }
  }

  /** Completes with the reason when the link stopped for good (it will not reconnect). */
  CompletableFuture<PeerFailure> stopped() {
    return stopped;
  }

  /** Where the link stands, in one line: online, reconnecting, or not reconnecting and why. */
  String status() {
    synchronized (state) {
      return state.describe();
    }
  }

  /** Starts again after the link stopped for good (the user asked to log in again). */
  void restart() {
    synchronized (state) {
      if (state.session != null || state.reconnecting()) {
        return;
      }
      state.stopReason = null;
    }
    connectNow();
  }

  /**
   * Moves to a new session with the same server, made with the certificate just renewed: its
   * login replaces the old session on the server, whose end is then no news, so this peer is
   * never offline in between. When the new session cannot be made, the link reconnects as after
   * a loss.
   */
  void renewSession() {
    ServerSession old;
    int index;
    synchronized (state) {
      if (state.session == null || state.closed) {
        return;
      }
      old = state.session;
      index = state.serverIndex;
      state.cancelTimers();
    }
    old.retire();
    try {
      install(open(index), index, false);
      events.notice("now using the renewed certificate");
    } catch (PeerFailure e) {
      synchronized (state) {
        if (state.session != old) {
          return;
        }
        state.lost(e.getMessage(), config.servers().size());
      }
      scheduleAttempt("could not move the session to the renewed certificate: "
          + e.getMessage() + "; reconnecting");
    } finally {
      old.close();
    }
  }

  /** Ends the session (Exit) and stops reconnecting. */
  @Override
  public void close() {
    ServerSession session;
    synchronized (state) {
      state.closed = true;
      session = state.session;
      state.session = null;
      state.cancelTimers();
      state.notifyAll();
    }
    timer.shutdownNow();
    if (session != null) {
      session.exit();
    }
  }

  private ServerSession open(int index) {
    ServerAddress server = config.servers().get(index);
    ServerSession[] opened = new ServerSession[1];
    ServerSession session = ServerSession.connect(tls, server, config.connectTimeout(),
        config.replyTimeout(), end -> onEnd(opened[0], end));
    opened[0] = session;
    return session;
  }

  /** Sets {@code session} up and makes it current; closes it when that fails. */
  private ServerSession install(ServerSession session, int index, boolean announce) {
    try {
      setup.prepare(session);
    } catch (IOException e) {
      session.close();
      throw new PeerFailure(Kind.SERVER_UNREACHABLE, "lost the connection to the server at "
          + session.server() + ": " + tls.explain(e), e);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    long keepAliveMillis = keepAlivePeriodMillis(session);
    String back;
    synchronized (state) {
      if (state.closed) {
        session.close();
        throw new PeerFailure(Kind.GENERAL, "the peer is shutting down");
      }
      if (session.isEnded()) {
        // It ended while being set up, before its end could be news to anyone.
        throw new PeerFailure(Kind.SERVER_UNREACHABLE, "the server at " + session.server()
            + " ended the session at once: " + session.endReason());
      }
      back = state.online(session, index);
      state.keepAlive = startKeepAlive(session, keepAliveMillis);
      state.notifyAll();
    }
    if (announce) {
      events.notice(back);
    }
    return session;
  }

  /** From a session's reader thread: the session ended. */
  private void onEnd(ServerSession session, SessionEnd end) {
    Optional<PeerFailure> stop = StopReasons.afterEnd(end);
    synchronized (state) {
      if (session == null || session != state.session || state.closed || end.closedHere()) {
        return;
      }
      state.cancelTimers();
      state.session = null;
      state.notifyAll();
      if (stop.isPresent()) {
        stopFor(stop.get());
        return;
      }
      state.lost(end.describe(), config.servers().size());
    }
    scheduleAttempt("lost the session with " + session.server() + ": " + end.describe()
        + "; reconnecting");
  }

  /** Schedules the next attempt; says {@code notice} (if any) with when it will be. */
  private void scheduleAttempt(String notice) {
    Duration delay;
    int attempt;
    synchronized (state) {
      if (state.closed || state.stopReason != null) {
        return;
      }
      attempt = state.attempt;
      delay = backoff.delay(attempt, ThreadLocalRandom.current()::nextDouble);
      state.nextAttemptNanos = System.nanoTime() + delay.toNanos();
      state.attemptTimer = timer.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (notice != null) {
      events.notice(notice + " (attempt " + attempt + " in " + seconds(delay) + ")");
    }
  }

  private static String seconds(Duration delay) {
    return delay.toMillis() < 10_000 ? String.format(java.util.Locale.ROOT, "%.1f s",
        delay.toMillis() / 1000.0) : delay.toSeconds() + " s";
  }

  /** On the timer: one reconnect attempt, to the next server in turn. */
  private void attempt() {
    int index;
    synchronized (state) {
      if (state.closed || state.session != null || state.stopReason != null) {
        return;
      }
      state.attemptRunning = true;
      index = state.serverIndex;
    }
    try {
      install(open(index), index, true);
    } catch (PeerFailure e) {
      Optional<PeerFailure> stop = StopReasons.afterFailure(e, tls);
      String changed;
      synchronized (state) {
        state.attemptRunning = false;
        if (state.closed) {
          return;
        }
        if (stop.isPresent()) {
          stopFor(stop.get());
          return;
        }
        changed = state.failed(e.getMessage(), config.servers().size());
      }
      LOG.info("reconnect attempt failed: {}", e.getMessage());
      scheduleAttempt(changed == null ? null : "still offline: " + changed);
    }
  }

  private void stopFor(PeerFailure reason) {
    state.stopReason = reason;
    state.cancelTimers();
    state.notifyAll();
    events.notice(reason.getMessage());
    stopped.complete(reason);
  }

  /**
   * How often to send the keep-alive on {@code session}: a third of the idle timeout the server
   * says it has; 0 for a version-1 server, which has no keep-alive. Asks the server, so it is
   * called outside the link's lock.
   */
  private static long keepAlivePeriodMillis(ServerSession session) {
    if (!session.version().atLeast(io.micropay.protocol.ProtocolVersion.V2)) {
      LOG.info("the server at {} speaks protocol version 1: no keep-alive; when it closes an "
          + "idle session, the peer connects again", session.server());
      return 0;
    }
    try {
      long idleMillis = session.limits().idleTimeoutMillis();
      return Math.max(MIN_KEEP_ALIVE.toMillis(), Math.min(MAX_KEEP_ALIVE.toMillis(),
          idleMillis / 3));
    } catch (IOException e) {
      // The session's reader reports its end; without limits there is nothing to schedule.
      return 0;
    }
  }

  private ScheduledFuture<?> startKeepAlive(ServerSession session, long periodMillis) {
    if (periodMillis == 0) {
      return null;
    }
    return timer.scheduleWithFixedDelay(() -> ping(session), periodMillis, periodMillis,
        TimeUnit.MILLISECONDS);
  }

  private static void ping(ServerSession session) {
    try {
      session.ping();
    } catch (IOException | RuntimeException e) {
      // The session's reader reports the end; a keep-alive has nothing to add.
      LOG.debug("keep-alive failed: {}", e.getMessage());
    }
  }
}
