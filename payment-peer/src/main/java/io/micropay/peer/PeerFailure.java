package io.micropay.peer;

/**
 * An expected failure of a peer command, with the exit code a script can act on and a message
 * that says what happened and what to do next.
 */
public final class PeerFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The documented exit codes of the peer's commands. */
  public enum Kind {
    /** Anything else: a missing file, a certificate this peer cannot use. */
    GENERAL(1),
    /** The server could not be reached, or refused the TLS handshake. */
    SERVER_UNREACHABLE(3),
    /** The server said no: 210 FAIL, 220 AUTH_FAIL, DEPOSIT FAIL, Transfer Fail!. */
    REFUSED_BY_SERVER(4),
    /** The payee is not online, cannot be reached, or is not who it should be. */
    PAYEE_UNAVAILABLE(5),
    /** The payee declined the payment. */
    DECLINED(6);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  public PeerFailure(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public PeerFailure(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
