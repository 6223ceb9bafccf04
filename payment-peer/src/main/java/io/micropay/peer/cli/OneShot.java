package io.micropay.peer.cli;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerEvents;
import io.micropay.peer.PeerNode;
import io.micropay.peer.control.ControlClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How one-shot commands run a peer. When a shell or {@code online} peer of the same account runs
 * on this machine, the command goes through its control socket, so that it does not log the
 * running peer out; otherwise it connects, does one thing and leaves (Exit). While online,
 * incoming payment requests are declined: a script is not there to answer them.
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

  /**
   * Runs {@code words} in the running peer of the account if there is one, else {@code here} on
   * a peer of its own; returns the exit code.
   */
  static int run(PeerOptions options, CommandSpec spec, List<String> words,
      ToIntFunction<PeerNode> here) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OptionalInt running = ControlClient.run(options.controlSocket(), words, out, err,
        options.controlTimeout());
    if (running.isPresent()) {
      return running.getAsInt();
    }
    try (PeerNode node = connect(options, err)) {
      return here.applyAsInt(node);
    }
  }
}
