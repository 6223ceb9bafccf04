package io.micropay.loadgen;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerNode;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Scenario 3: end-to-end payments between real peers (the peer program's own classes, not a
 * simulation): payer looks the payee up, asks it over mutual TLS, reports to the server, relays
 * the verdict, and reads its balance. Each pair pays in a closed loop, so the number of pairs is
 * the number of payments in flight.
 */
final class PeerToPeerScenario {
  static final String NAME = "3 p2p";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final BenchPki pki;
  private final int serverPort;

  PeerToPeerScenario(BenchPki pki, int serverPort) {
    this.pki = pki;
    this.serverPort = serverPort;
  }

  Result run(Measurement measurement, int pairs) throws Exception {
    List<PeerNode> payers = new ArrayList<>();
    List<PeerNode> payees = new ArrayList<>();
    try {
      for (int i = 0; i < pairs; i++) {
        payees.add(online(String.format(Locale.ROOT, "payee%03d", i)));
        payers.add(online(String.format(Locale.ROOT, "payer%03d", i)));
      }
      return measurement.run(NAME, pairs + (pairs == 1 ? " pair" : " pairs"), pairs,
          index -> () -> payers.get(index).pay(payees.get(index).name(), 1),
          "list, payee handshake + OK, report, relay, balance");
    } finally {
      for (PeerNode node : payers) {
        node.close();
      }
      for (PeerNode node : payees) {
        node.close();
      }
    }
  }

  private PeerNode online(String name) {
    pki.issuePeerFiles(name);
    PkiLayout layout = pki.layout();
    PeerConfig config = new PeerConfig(layout, layout.peerCertificate(name),
        layout.peerKey(name), Passphrase.none(), "127.0.0.1", serverPort, 0, TIMEOUT, TIMEOUT,
        TIMEOUT, TIMEOUT.dividedBy(2), AcceptPolicy.AUTO, 1_000_000, 3);
    PeerNode node = PeerNode.connect(config, message -> { }, (question, timeout) ->
        Optional.empty());
    node.register();
    node.goOnline();
    return node;
  }
}
