package io.micropay.server.transport;

/**
 * The deadlines of one connection: the handshake must finish within its timeout, and an open
 * connection that sends nothing for the idle timeout is first reported to the session (which
 * ends it, saying why) and closed by the transport {@link #IDLE_GRACE_MILLIS} later if the session
 * did not. Used on the loop's thread only.
 */
final class ConnectionDeadlines {
  /**
   * How long past the idle timeout the session has to end an idle connection itself (and say
   * why) before the transport closes it without a word.
   */
  static final long IDLE_GRACE_MILLIS = 2_000;

  /** What the sweep found. */
  enum Verdict { NONE, HANDSHAKE_EXPIRED, REPORT_IDLE, CLOSE_IDLE }

  private final long handshakeTimeoutNanos;
  private final long idleTimeoutNanos;
  private final long acceptedNanos;
  private long lastInputNanos;
  private boolean idleReported;

  ConnectionDeadlines(TransportLimits limits, long acceptedNanos) {
    this.handshakeTimeoutNanos = limits.handshakeTimeoutMillis() * 1_000_000L;
    this.idleTimeoutNanos = limits.idleTimeoutMillis() * 1_000_000L;
    this.acceptedNanos = acceptedNanos;
    this.lastInputNanos = acceptedNanos;
  }

  long acceptedNanos() {
    return acceptedNanos;
  }

  /** The client sent something (or the handshake just finished). */
  void input(long nowNanos) {
    lastInputNanos = nowNanos;
  }

  /** Which deadline, if any, has passed at {@code nowNanos}. */
  Verdict check(long nowNanos, boolean handshaking) {
    if (handshaking) {
      return nowNanos - acceptedNanos > handshakeTimeoutNanos
          ? Verdict.HANDSHAKE_EXPIRED : Verdict.NONE;
    }
    long quietNanos = nowNanos - lastInputNanos;
    if (quietNanos <= idleTimeoutNanos) {
      idleReported = false;
      return Verdict.NONE;
    }
    if (!idleReported) {
      idleReported = true;
      return Verdict.REPORT_IDLE;
    }
    return quietNanos > idleTimeoutNanos + IDLE_GRACE_MILLIS * 1_000_000L
        ? Verdict.CLOSE_IDLE : Verdict.NONE;
  }
}
