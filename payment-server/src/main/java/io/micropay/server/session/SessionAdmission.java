package io.micropay.server.session;

import io.micropay.protocol.Reply;
import io.micropay.server.transport.Connection;
import io.micropay.server.transport.ConnectionAcceptor;
import io.micropay.server.transport.InboundHandler;
import java.util.concurrent.CompletionStage;
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

  public SessionAdmission(ServerContext context, int maxSessions) {
    this.context = context;
    this.maxSessions = maxSessions;
  }

  /** Sessions open now. */
  public int activeSessions() {
    return active.get();
  }

  @Override
  public InboundHandler accept(Connection connection) {
    if (active.incrementAndGet() > maxSessions) {
      active.decrementAndGet();
      LOG.warn("conn={} account={} refused: {} sessions are open (the limit); sent 240 BUSY",
          connection.id(), connection.identity().accountName(), maxSessions);
      connection.sendAndClose(Reply.BUSY.encode());
      return null;
    }
    return new Admitted(new Session(connection, context));
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
    public void onClosed(String reason) {
      active.decrementAndGet();
      session.onClosed(reason);
    }
  }
}
