package io.micropay.peer.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.peer.PeerNode;
import io.micropay.peer.control.ControlServer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control socket of a shell or {@code online} peer. It is claimed before the peer connects,
 * so that a second running peer of the same account on this machine stops before it could log
 * the first one out; commands are served once the peer runs.
 */
final class RunningPeerSocket implements AutoCloseable {
  private final AtomicReference<PeerNode> node = new AtomicReference<>();
  private final ControlServer server;

  private RunningPeerSocket(PeerOptions options) {
    this.server = ControlServer.start(options.controlSocket(), options.accountName(),
        (words, out, err) -> {
          PeerNode running = node.get();
          if (running == null) {
            err.println("payment-peer: the running peer is still starting; try again");
            return StandardCommandLine.FAILURE;
          }
          return PeerWork.handler(running).run(words, out, err);
        });
  }

  /** Claims the account's control socket. */
  static RunningPeerSocket claim(PeerOptions options) {
    return new RunningPeerSocket(options);
  }

  /** From now on, commands run on {@code running}. */
  void serve(PeerNode running) {
    node.set(running);
  }

  @Override
  public void close() {
    server.close();
  }
}
