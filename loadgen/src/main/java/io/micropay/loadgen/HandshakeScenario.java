package io.micropay.loadgen;

import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.testing.ProtocolClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLSocket;

/**
 * Scenario 1: mutual-TLS handshakes per second against the server, full and resumed (TLS 1.3
 * session tickets), beside the OpenSSL baseline. Each simulated connection shakes hands, sends one
 * request and reads its reply (so the server has checked the client certificate and the client
 * holds the session ticket), then closes. Before login every request is answered
 * {@code 220 AUTH_FAIL}, which costs the server nothing. Each row counts the handshakes that
 * resumed, so a "resumed" row that did not resume (or a "full" one that did) says so.
 */
final class HandshakeScenario {
  static final String NAME = "1 handshakes";
  private static final int TIMEOUT_MILLIS = 10_000;

  private final BulkClients clients;
  private final int port;
  private final String engines;

  /**
   * @param engines the engines of the server and the clients, for the notes
   *     ({@code server boringssl, clients boringssl})
   */
  HandshakeScenario(BulkClients clients, int port, String engines) {
    this.clients = clients;
    this.port = port;
    this.engines = engines;
  }

  /** Full and resumed handshakes by {@code count} concurrent clients, each its own peer. */
  List<Result> run(Measurement measurement, int count) throws Exception {
    List<Result> results = new ArrayList<>();
    for (boolean resume : new boolean[] {false, true}) {
      LongAdder resumed = new LongAdder();
      LongAdder total = new LongAdder();
      Result row = measurement.run(NAME, (resume ? "resumed, " : "full, ")
              + clientsLabel(count), count,
          index -> () -> {
            SSLSocket socket = resume ? clients.connect(port, index, TIMEOUT_MILLIS)
                : clients.connectFresh(port, index, TIMEOUT_MILLIS);
            roundTrip(socket);
            total.increment();
            if (clients.resumed(index, socket)) {
              resumed.increment();
            }
          }, "");
      results.add(new Result(row.scenario(), row.variant(), row.concurrency(),
          row.operations(), row.seconds(), row.p50Millis(), row.p99Millis(), row.maxMillis(),
          "Java client (the peer's TLS factory); " + engines + "; handshake + one request; "
              + percent(resumed.sum(), total.sum()) + " resumed", row.cpu()));
    }
    return results;
  }

  private static void roundTrip(SSLSocket socket) throws Exception {
    try (ProtocolClient session = new ProtocolClient(socket)) {
      session.expect(new Request.ListOnline(), Reply.AUTH_FAIL);
    }
  }

  private static String percent(long part, long whole) {
    return whole == 0 ? "none" : Math.round(100.0 * part / whole) + "%";
  }

  static String clientsLabel(int count) {
    return count + (count == 1 ? " client" : " clients");
  }
}
