package io.micropay.peer.cli;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerEvents;
import io.micropay.peer.PeerNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * How one-shot commands run a peer: connect, do one thing, leave (Exit). While online, incoming
 * payment requests are declined: a script is not there to answer them.
 */
final class OneShot {
  private OneShot() {
  }

  /** Connects with {@code options}; reports events as lines on {@code err}. */
  static PeerNode connect(PeerOptions options, PrintWriter err) {
    PeerEvents events = message -> {
      err.println("payment-peer: " + message);
      err.flush();
    };
    return PeerNode.connect(options.config(AcceptPolicy.NEVER, 0, Duration.ofSeconds(1)),
        events, (question, timeout) -> Optional.empty());
  }
}
