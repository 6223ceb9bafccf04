package io.micropay.loadgen;

import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/**
 * Scenario 1: mutual-TLS handshakes per second against the server, full and resumed (TLS 1.3
 * session tickets), beside the OpenSSL baseline. Each simulated connection shakes hands, sends one
 * request and reads its reply (so the server has checked the client certificate and the client
 * holds the session ticket), then closes. Before login every request is answered
 * {@code 220 AUTH_FAIL}, which costs the server nothing.
 */
final class HandshakeScenario {
  static final String NAME = "1 handshakes";
  private static final int TIMEOUT_MILLIS = 10_000;

  private final BulkClients clients;
  private final int port;

  HandshakeScenario(BulkClients clients, int port) {
    this.clients = clients;
    this.port = port;
  }

  /** Full and resumed handshakes by {@code count} concurrent clients, each its own peer. */
  List<Result> run(Measurement measurement, int count) throws Exception {
    List<Result> results = new ArrayList<>();
    results.add(measurement.run(NAME, "full, " + clientsLabel(count), count,
        index -> () -> roundTrip(clients.connectFresh(port, index, TIMEOUT_MILLIS)),
        "Java client; handshake + one request"));
    results.add(measurement.run(NAME, "resumed, " + clientsLabel(count), count,
        index -> () -> roundTrip(clients.connect(port, index, TIMEOUT_MILLIS)),
        "Java client; handshake + one request"));
    return results;
  }

  private static void roundTrip(SSLSocket socket) throws Exception {
    try (ProtocolSession session = new ProtocolSession(socket)) {
      session.expect(new Request.ListOnline(), Reply.AUTH_FAIL);
    }
  }

  static String clientsLabel(int count) {
    return count + (count == 1 ? " client" : " clients");
  }
}
