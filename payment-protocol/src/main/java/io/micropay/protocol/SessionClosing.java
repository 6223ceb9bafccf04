package io.micropay.protocol;

import java.util.Objects;

/**
 * Version 2: the line the server sends just before it closes a session for a reason of its own,
 * so that the peer can say why and knows whether to come back:
 * <pre>
 * CLOSING#REPLACED#&lt;ip&gt;#&lt;port&gt;   a newer login of the same account, from ip, listening on port
 * CLOSING#REVOKED                 the session's certificate was revoked
 * CLOSING#EXPIRED                 the session's certificate expired
 * CLOSING#IDLE#&lt;ms&gt;              nothing was received for the idle timeout, ms
 * CLOSING#SHUTDOWN                the server is shutting down
 * CLOSING#ERROR                   the server failed to handle a request; try again
 * </pre>
 * At the session limit the line is {@code 240 BUSY}, as in version 1. The reply to {@code Exit}
 * is {@code Bye}, as in version 1: closing then is the peer's own doing.
 *
 * @param reason why the session ends
 * @param newerIp with REPLACED: the address the newer login came from; otherwise null
 * @param newerPort with REPLACED: the port the newer login listens on; otherwise 0
 * @param idleTimeoutMillis with IDLE: the server's idle timeout; otherwise 0
 */
public record SessionClosing(Reason reason, String newerIp, int newerPort,
    long idleTimeoutMillis) {
  /** The line's first field. */
  public static final String KEYWORD = "CLOSING";
  private static final int MAX_MILLIS_DIGITS = 12;

  /** Why the server ends a session. */
  public enum Reason {
    /** A newer login of the same account took over. */
    REPLACED,
    /** The certificate was revoked. */
    REVOKED,
    /** The certificate expired. */
    EXPIRED,
    /** The session was quiet for longer than the idle timeout. */
    IDLE,
    /** The server is shutting down. */
    SHUTDOWN,
    /** The server could not handle a request. */
    ERROR
  }

  public SessionClosing {
    Objects.requireNonNull(reason, "reason");
    if ((reason == Reason.REPLACED) != (newerIp != null)) {
      throw new IllegalArgumentException("only REPLACED names the newer login's address");
    }
    if (newerIp != null && (!IpLiterals.isValid(newerIp) || !Ports.isValid(newerPort))) {
      throw new IllegalArgumentException("the newer login's address must be an IP and a port, "
          + "was '" + Printable.of(newerIp) + "' port " + newerPort);
    }
    if ((reason == Reason.IDLE) != (idleTimeoutMillis > 0)) {
      throw new IllegalArgumentException("only IDLE, and it always, names the idle timeout");
    }
  }

  /** A newer login from {@code ip}, listening on {@code port}, took over. */
  public static SessionClosing replaced(String ip, int port) {
    return new SessionClosing(Reason.REPLACED, ip, port, 0);
  }

  /** Idle for longer than {@code idleTimeoutMillis}. */
  public static SessionClosing idle(long idleTimeoutMillis) {
    return new SessionClosing(Reason.IDLE, null, 0, idleTimeoutMillis);
  }

  /** A reason that carries no detail: REVOKED, EXPIRED, SHUTDOWN or ERROR. */
  public static SessionClosing of(Reason reason) {
    return new SessionClosing(reason, null, 0, 0);
  }

  /** The line, without terminator. */
  public String format() {
    return switch (reason) {
      case REPLACED -> KEYWORD + "#REPLACED#" + newerIp + "#" + newerPort;
      case IDLE -> KEYWORD + "#IDLE#" + idleTimeoutMillis;
      default -> KEYWORD + "#" + reason.name();
    };
  }

  /** Whether {@code line} is a closing notice (well formed or not). */
  public static boolean isNotice(String line) {
    return line.startsWith(KEYWORD + "#");
  }

  /** Reads a closing notice; anything else is a ProtocolException naming what came. */
  public static SessionClosing parse(String line) throws ProtocolException {
    String[] fields = line.split("#", -1);
    if (fields.length >= 2 && fields[0].equals(KEYWORD)) {
      try {
        Reason reason = Reason.valueOf(fields[1]);
        if (reason == Reason.REPLACED && fields.length == 4) {
          return replaced(fields[2], Ports.parseOrInvalid(fields[3]));
        }
        if (reason == Reason.IDLE && fields.length == 3) {
          return idle(DecimalField.parse(fields[2], MAX_MILLIS_DIGITS));
        }
        if (fields.length == 2) {
          return of(reason);
        }
      } catch (IllegalArgumentException invalid) {
        // An unknown reason or a bad field: reported below, with the whole line.
      }
    }
    throw new ProtocolException("expected 'CLOSING#<REASON>...', got '" + Printable.of(line)
        + "'");
  }
}
