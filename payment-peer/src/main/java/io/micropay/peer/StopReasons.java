package io.micropay.peer;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.net.SessionEnd;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.SessionClosing.Reason;
import java.util.Optional;

/**
 * When a lost session must not be re-established, and how to say why: the server does not know
 * the account, this peer's certificate is no longer good (revoked, expired, refused), or a newer
 * login of the same account replaced this one. Each reason is the {@link PeerFailure} the link
 * stops with; its kind is the exit code of a peer that stops for it.
 */
final class StopReasons {
  private StopReasons() {
  }

  /** Why retrying cannot help after this failure to connect or set up, if it cannot. */
  static Optional<PeerFailure> afterFailure(PeerFailure failure, TlsFactory tls) {
    if (failure.kind() == Kind.REFUSED_BY_SERVER) {
      return Optional.of(new PeerFailure(failure.kind(), failure.getMessage()
          + "; not reconnecting", failure));
    }
    Optional<String> own = tls.rejection(tls.certificate());
    if (own.isPresent()) {
      return Optional.of(new PeerFailure(Kind.SERVER_UNREACHABLE, "this peer's certificate "
          + "is no longer good: " + own.get() + "; not reconnecting. Get a new certificate from "
          + "the CA"));
    }
    if (failure.getMessage().contains("refused our certificate")) {
      return Optional.of(new PeerFailure(Kind.SERVER_UNREACHABLE, failure.getMessage()
          + (failure.getMessage().contains("Get a new certificate") ? "; not reconnecting"
              : "; not reconnecting. Get a new certificate from the CA"), failure));
    }
    return Optional.empty();
  }

  /** Why retrying cannot help after the server ended a session, if it cannot. */
  static Optional<PeerFailure> afterEnd(SessionEnd end) {
    String why = "the server ended the session: " + end.describe();
    if (end.is(Reason.REPLACED)) {
      return Optional.of(new PeerFailure(Kind.GENERAL, why + ". Not reconnecting, so that two "
          + "peers of one account do not take turns logging each other out; stop the other "
          + "one, then log in again"));
    }
    if (end.is(Reason.REVOKED) || end.is(Reason.EXPIRED)) {
      return Optional.of(new PeerFailure(Kind.SERVER_UNREACHABLE, why
          + ". Not reconnecting: get a new certificate from the CA"));
    }
    return Optional.empty();
  }
}
