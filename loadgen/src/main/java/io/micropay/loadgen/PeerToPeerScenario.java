package io.micropay.loadgen;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.ServerAddress;
import io.micropay.peer.PeerNode;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.tls.TlsEngineChoice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Scenario 3: end-to-end payments between real peers (the peer program's own classes, not a
 * simulation): payer looks the payee up, asks it over mutual TLS, reports to the server, relays
 * the verdict, and reads its balance. Measured twice on the same peers: in a closed loop (each
 * pair pays again as soon as it is done, so the pairs are the payments in flight and the rate is
 * the most the machine sustains), and in an open loop at a fixed offered rate, where the latency
 * percentiles say what a payer waits at that rate.
 */
final class PeerToPeerScenario {
  static final String NAME = "3 p2p";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final BenchPki pki;
  private final int serverPort;
  private final TlsEngineChoice engine;

  /** Peers on {@code engine}, as the server under test: peer to peer, both ends use it. */
  PeerToPeerScenario(BenchPki pki, int serverPort, TlsEngineChoice engine) {
    this.pki = pki;
    this.serverPort = serverPort;
    this.engine = engine;
  }

  /**
   * @param ratePerSecond payments offered per second across all pairs in the open loop; 0 runs
   *     the closed loop only
   */
  List<Result> run(Measurement measurement, int pairs, int ratePerSecond) throws Exception {
    List<PeerNode> payers = new ArrayList<>();
    List<PeerNode> payees = new ArrayList<>();
    try {
      for (int i = 0; i < pairs; i++) {
        payees.add(online(String.format(Locale.ROOT, "payee%03d", i)));
        payers.add(online(String.format(Locale.ROOT, "payer%03d", i)));
      }
      Measurement.Client pay = index -> () -> payers.get(index).pay(payees.get(index).name(), 1);
      String label = pairs + (pairs == 1 ? " pair" : " pairs");
      List<Result> results = new ArrayList<>();
      results.add(measurement.run(NAME, "closed loop, " + label, pairs, pay,
          "list, payee OK on a kept connection, report, relay, balance"));
      if (ratePerSecond > 0) {
        results.add(measurement.runPaced(NAME, String.format(Locale.ROOT, "%,d/s offered, ",
            ratePerSecond) + label, pairs, ratePerSecond, pay,
            "open loop; latency from each payment's due time"));
      }
      return results;
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
        layout.peerKey(name), Passphrase.none(),
        List.of(new ServerAddress("127.0.0.1", serverPort)), 0, TIMEOUT, TIMEOUT, TIMEOUT,
        TIMEOUT.dividedBy(2), AcceptPolicy.AUTO, 1_000_000, 3, PeerConfig.DEFAULT_REPORT_WAIT,
        engine);
    PeerNode node = PeerNode.connect(config, message -> { }, (question, timeout) ->
        Optional.empty());
    node.register();
    node.goOnline();
    return node;
  }
}
