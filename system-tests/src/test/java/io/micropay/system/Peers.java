package io.micropay.system;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerEvents;
import io.micropay.peer.PeerNode;
import io.micropay.peer.Prompter;
import io.micropay.peer.ServerAddress;
import io.micropay.pki.Passphrase;
import io.micropay.pki.testing.TestPki;
import io.micropay.server.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Real peers for end-to-end tests, talking to a {@link TestServer} over loopback TLS. */
public final class Peers {
  public static final Duration PROMPT_TIMEOUT = Duration.ofSeconds(5);
  /** How long a report waits for a lost server: short, tests restart servers at once. */
  public static final Duration REPORT_WAIT = Duration.ofSeconds(10);

  private Peers() {
  }

  /** Notices a peer printed, kept for assertions. */
  public static final class Notices implements PeerEvents {
    public final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void notice(String message) {
      lines.add(message);
    }

    public boolean any(String text) {
      return lines.stream().anyMatch(line -> line.contains(text));
    }
  }

  public static PeerConfig config(TestServer server, String name, AcceptPolicy policy, int port) {
    TestPki.Identity identity = server.pki().peer(name);
    return new PeerConfig(server.pki().layout(), identity.certificate(), identity.key(),
        Passphrase.none(), List.of(new ServerAddress("127.0.0.1", port)), 0, Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(10), PROMPT_TIMEOUT, policy, 1_000_000, 3,
        REPORT_WAIT);
  }

  /** A registered peer, online, deciding incoming payments by {@code policy}. */
  public static PeerNode online(TestServer server, String name, AcceptPolicy policy, Notices notices) {
    return online(server, name, policy, notices, (question, timeout) -> Optional.empty());
  }

  /** As above, asking {@code prompter} when the policy is PROMPT. */
  public static PeerNode online(TestServer server, String name, AcceptPolicy policy, Notices notices,
      Prompter prompter) {
    PeerNode node = PeerNode.connect(config(server, name, policy, server.port()), notices,
        prompter);
    node.register();
    node.goOnline();
    return node;
  }
}
