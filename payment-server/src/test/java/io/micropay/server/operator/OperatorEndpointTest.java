package io.micropay.server.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.testing.TestPki;
import io.micropay.server.OperatorHttp;
import io.micropay.server.TestServer;
import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The operator endpoint of a real server over real mutual TLS on loopback. */
@Timeout(60)
class OperatorEndpointTest {
  @TempDir
  Path directory;

  @Test
  void admitsOnlyThisCasOperatorsNotPeersNorAnonymousNorAnotherCasOperator() throws Exception {
    try (TestServer server = TestServer.startWithOperatorEndpoint(directory)) {
      int port = server.server().operatorAddress().orElseThrow().getPort();
      TestPki pki = server.pki();
      assertEquals(200, OperatorHttp.as(pki.operatorTls("olga"), port).get("livez")
          .statusCode());
      assertRefused(() -> OperatorHttp.as(pki.peerTls("alice", 5_000), port).get("accounts"));
      assertRefused(() -> OperatorHttp.anonymous(pki.layout().caCertificate(), port)
          .get("accounts"));
      TestPki other = TestPki.create(directory.resolve("other-ca"));
      assertRefused(() -> OperatorHttp.as(other.operatorTls("olga"), port).get("accounts"));
    }
  }

  @Test
  void metricsCountExactlyTheTrafficDriven() throws Exception {
    try (TestServer server = TestServer.startWithOperatorEndpoint(directory)) {
      int port = server.server().operatorAddress().orElseThrow().getPort();
      TestPki pki = server.pki();
      try (ProtocolClient alice = server.online("alice", 7001);
          ProtocolClient bob = server.online("bob", 7002)) {
        for (int i = 1; i <= 3; i++) {
          alice.expect("alice#100#bob#0123abcd-0000-4000-8000-00000000000" + i, "Transfer OK!");
        }
        alice.expect("alice#1000000#bob#0123abcd-0000-4000-8000-000000000009",
            "Transfer Fail! INSUFFICIENT_FUNDS");
        alice.expect("DEPOSIT#alice#50", "DEPOSIT OK");
        var dave = pki.peerTls("dave", 5_000);
        pki.revoke("dave");
        assertThrows(IOException.class, () -> new ProtocolClient(dave.connectToServer(
            "127.0.0.1", server.port(), 5_000)).request("REGISTER#dave"));
        var olga = pki.operatorTls("olga");
        assertThrows(IOException.class, () -> new ProtocolClient(olga.connectToServer(
            "127.0.0.1", server.port(), 5_000)).request("REGISTER#olga"),
            "the payment port refuses an operator certificate");
        String metrics = OperatorHttp.as(olga, port).get("metrics").body();
        assertEquals(3.0, value(metrics,
            "micropay_transfers_total{reason=\"new\",result=\"settled\"}"), metrics);
        assertEquals(1.0, value(metrics,
            "micropay_transfers_total{reason=\"insufficient_funds\",result=\"refused\"}"));
        assertEquals(300.0, value(metrics, "micropay_transfer_units_total"));
        assertEquals(4.0, value(metrics, "micropay_transfer_seconds_count"));
        assertEquals(4.0, value(metrics, "micropay_settlement_batch_size_sum"));
        assertEquals(1.0, value(metrics,
            "micropay_handshakes_total{reason=\"revoked\",result=\"failed\"}"));
        assertEquals(1.0, value(metrics,
            "micropay_handshakes_total{reason=\"wrong_role\",result=\"failed\"}"));
        assertEquals(2.0, value(metrics,
            "micropay_handshakes_total{reason=\"full\",result=\"ok\"}"));
        assertEquals(4.0, value(metrics, "micropay_requests_total{request=\"transferreport\"}"));
        assertEquals(2.0, value(metrics, "micropay_requests_total{request=\"register\"}"));
        assertEquals(1.0, value(metrics, "micropay_deposits_total{result=\"ok\"}"));
        assertEquals(50.0, value(metrics, "micropay_deposit_units_total"));
        assertEquals(2.0, value(metrics, "micropay_sessions"));
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "the JVM's own metrics");
        String summary = server.server().sampleActivity().orElseThrow();
        assertTrue(summary.contains("3 transfers settled (300 units), 1 refused, 1 deposits; "
            + "handshakes 2 ok, 2 failed"), summary);
        assertTrue(server.server().sampleActivity().isEmpty(), "nothing since: no line");
      }
    }
  }

  @Test
  void liveBooksAsJsonNewestTransfersFirst() throws Exception {
    try (TestServer server = TestServer.startWithOperatorEndpoint(directory)) {
      int port = server.server().operatorAddress().orElseThrow().getPort();
      OperatorHttp olga = OperatorHttp.as(server.pki().operatorTls("olga"), port);
      try (ProtocolClient alice = server.online("alice", 7001);
          ProtocolClient bob = server.online("bob", 7002)) {
        alice.expect("alice#7#bob#0123abcd-0000-4000-8000-000000000001", "Transfer OK!");
        alice.expect("alice#8#bob#0123abcd-0000-4000-8000-000000000002", "Transfer OK!");
      }
      String accounts = olga.get("accounts").body();
      assertTrue(accounts.contains("{\"name\":\"alice\",\"balance\":9985}"), accounts);
      String transfers = olga.get("transfers?limit=1").body();
      assertTrue(transfers.contains("\"amountUnits\":8") && !transfers.contains(
          "\"amountUnits\":7"), transfers);
      String journal = olga.get("transfers?account=bob&limit=3").body();
      assertTrue(journal.indexOf("\"amountUnits\":8") < journal.indexOf("\"amountUnits\":7"),
          journal);
      assertTrue(olga.get("audit").body().startsWith("{\"balanced\":true"));
      assertTrue(olga.get("audit?format=text").body().startsWith("BALANCED"));
      assertEquals(400, olga.get("transfers?limit=1001").statusCode());
      assertEquals(405, olga.post("audit", "").statusCode());
      assertEquals(404, olga.get("nothing-here").statusCode());
    }
  }

  @Test
  void readyzSays503WhileTheLedgerIsUnreachable() throws Exception {
    try (TestServer server = TestServer.startWithOperatorEndpoint(directory)) {
      int port = server.server().operatorAddress().orElseThrow().getPort();
      OperatorHttp olga = OperatorHttp.as(server.pki().operatorTls("olga"), port);
      HttpResponse<String> ready = olga.get("readyz");
      assertEquals(200, ready.statusCode(), ready.body());
      // Shut the embedded database down under the running server: its connections are gone.
      String url = server.server().config().databaseUrl().replace(";create=true", "");
      SQLException shutDown = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(url + ";shutdown=true"));
      assertEquals("08006", shutDown.getSQLState());
      HttpResponse<String> notReady = olga.get("readyz");
      assertEquals(503, notReady.statusCode());
      assertTrue(notReady.body().startsWith("not ready: the ledger does not answer"),
          notReady.body());
      assertEquals(200, olga.get("livez").statusCode());
    }
  }

  private static void assertRefused(org.junit.jupiter.api.function.Executable request) {
    assertThrows(IOException.class, request, "no data without an operator certificate");
  }

  private static double value(String metrics, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$")
        .matcher(metrics);
    assertTrue(matcher.find(), series + " missing from:\n" + metrics);
    return Double.parseDouble(matcher.group(1));
  }
}
