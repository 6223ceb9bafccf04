package io.micropay.server.session;

import io.micropay.protocol.Reply;
import io.micropay.server.transport.Connection;
import io.micropay.server.transport.ConnectionAcceptor;
import io.micropay.server.transport.InboundHandler;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits authenticated connections as sessions up to the session limit; one more is told
 * {@code 240 BUSY} and closed, having changed nothing.
 */
public final class SessionAdmission implements ConnectionAcceptor {
  private static final Logger LOG = LoggerFactory.getLogger(SessionAdmission.class);

  private final ServerContext context;
  private final int maxSessions;
  private final AtomicInteger active = new AtomicInteger();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

  public SessionAdmission(ServerContext context, int maxSessions) {
    this.context = context;
    this.maxSessions = maxSessions;
  }

  /** Sessions open now. */
  public int activeSessions() {
    return active.get();
  }

  /** The sessions open now (a live view: sessions come and go while it is read). */
  public Set<Session> sessions() {
    return java.util.Collections.unmodifiableSet(sessions);
  }

  /**
   * Waits until every session has closed, at most {@code timeoutMillis}; true when they did.
   * Used at shutdown, after each session was asked to end.
   */
  public boolean awaitNoSessions(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    synchronized (sessions) {
      while (active.get() > 0) {
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
        if (leftMillis <= 0) {
          return false;
        }
        sessions.wait(leftMillis);
      }
      return true;
    }
  }

  @Override
  public InboundHandler accept(Connection connection) {
    if (active.incrementAndGet() > maxSessions) {
      active.decrementAndGet();
      LOG.warn("conn={} account={} refused: {} sessions are open (the limit); sent 240 BUSY",
          connection.id(), connection.identity().accountName(), maxSessions);
      connection.sendAndClose(Reply.BUSY.encode());
      context.metrics().refused("busy");
      return null;
    }
    Session session = new Session(connection, context);
    sessions.add(session);
    return new Admitted(session);
  }

  /** A session that gives its place back when it ends. */
  private final class Admitted implements InboundHandler {
    private final Session session;

    Admitted(Session session) {
      this.session = session;
    }

    @Override
    public CompletionStage<?> onLine(String line) {
      return session.onLine(line);
    }

    @Override
    public void onLineTooLong() {
      session.onLineTooLong();
    }

    @Override
    public void onIdle(long idleTimeoutMillis) {
      session.onIdle(idleTimeoutMillis);
    }

    @Override
    public void onClosed(String reason) {
      session.onClosed(reason);
      sessions.remove(session);
      synchronized (sessions) {
        active.decrementAndGet();
        sessions.notifyAll();
      }
    }
  }
}
