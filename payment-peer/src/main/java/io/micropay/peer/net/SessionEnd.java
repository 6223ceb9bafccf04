package io.micropay.peer.net;

import io.micropay.protocol.SessionClosing;
import java.util.Optional;

/**
 * How a session with the server ended, as far as this peer can tell.
 *
 * @param notice the server's own word on it (version 2's {@code CLOSING} line), if it sent one
 * @param busy whether the server said {@code 240 BUSY}: it is at its session limit
 * @param closedHere whether this peer closed the session itself (Exit, or shutting down)
 * @param cause what the connection did at the end, in words ("the server closed the
 *     connection", a TLS alert), for when there is no notice
 */
public record SessionEnd(Optional<SessionClosing> notice, boolean busy, boolean closedHere,
    String cause) {

  /** Whether the server ended it for {@code reason}. */
  public boolean is(SessionClosing.Reason reason) {
    return notice.map(closing -> closing.reason() == reason).orElse(false);
  }

  /** One line saying why the session ended, for the user. */
  public String describe() {
    if (busy) {
      return "the server is busy (at its session limit)";
    }
    if (notice.isEmpty()) {
      return cause;
    }
    SessionClosing closing = notice.get();
    return switch (closing.reason()) {
      case REPLACED -> "a newer login of this account from " + closing.newerIp() + " (listening "
          + "on port " + closing.newerPort() + ") replaced this session";
      case REVOKED -> "the server says this peer's certificate is revoked";
      case EXPIRED -> "the server says this peer's certificate has expired";
      case IDLE -> "the session was idle for more than " + millis(closing.idleTimeoutMillis());
      case SHUTDOWN -> "the server is shutting down";
      case ERROR -> "the server could not handle a request";
    };
  }

  private static String millis(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
