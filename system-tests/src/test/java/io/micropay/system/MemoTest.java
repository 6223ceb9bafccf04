package io.micropay.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerNode;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.Request;
import io.micropay.protocol.StatementEntry;
import io.micropay.protocol.Wire;
import io.micropay.server.TestServer;
import io.micropay.testing.Background;
import io.micropay.testing.ProtocolClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memo from the payer's peer to the payee's prompt, into the ledger and both statements; a
 * payee that speaks only version 1 gets the request without it, and the payer is told.
 */
@Timeout(120)
class MemoTest {
  @TempDir
  Path directory;

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aMemoReachesThePromptTheLedgerAndBothStatements() throws Exception {
    server = TestServer.start(directory);
    List<String> questions = new CopyOnWriteArrayList<>();
    try (PeerNode bob = Peers.online(server, "bob", AcceptPolicy.PROMPT, new Peers.Notices(),
            (question, timeout) -> {
              questions.add(question);
              return Optional.of(true);
            });
        PeerNode alice = Peers.online(server, "alice", AcceptPolicy.NEVER,
            new Peers.Notices())) {
      alice.pay("bob", 300, "lunch at Joe's", line -> { });
      assertEquals(List.of("alice wants to pay you 300 (memo: lunch at Joe's). Accept? [y/n]"),
          questions);
      StatementEntry paid = alice.statement(Request.Statement.newest(1)).entries().get(0);
      assertEquals("lunch at Joe's", paid.memo());
      assertEquals(StatementEntry.Kind.PAID, paid.kind());
      StatementEntry received = bob.statement(Request.Statement.newest(1)).entries().get(0);
      assertEquals("lunch at Joe's", received.memo());
      assertEquals(paid.transferId(), received.transferId());
    }
  }

  @Test
  void aVersion1PayeeGetsThePaymentWithoutTheMemoAndThePayerIsTold() throws Exception {
    server = TestServer.start(directory);
    TlsFactory carolTls = server.pki().peerTls("carol", 5_000);
    try (SSLServerSocket listener = carolTls.bindServerSocket(
            new InetSocketAddress("127.0.0.1", 0), 4);
        ProtocolClient carol = server.online("carol", listener.getLocalPort());
        PeerNode alice = Peers.online(server, "alice", AcceptPolicy.NEVER,
            new Peers.Notices())) {
      CompletableFuture<String> payee = Background.supply("version-1 payee", () -> {
        try {
          return versionOnePayee(carolTls, listener);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      List<String> progress = new CopyOnWriteArrayList<>();
      alice.pay("carol", 40, "for the book", progress::add);
      String request = payee.get(30, TimeUnit.SECONDS);
      assertTrue(request.startsWith("alice#40#carol#"), request);
      assertEquals(4, request.split("#").length, "no memo field: " + request);
      assertTrue(progress.stream().anyMatch(line -> line.contains("without the memo")),
          progress.toString());
      assertEquals("for the book",
          alice.statement(Request.Statement.newest(1)).entries().get(0).memo());
    }
  }

  /** A payee without ALPN: reads one request, accepts it, reads the verdict. */
  private static String versionOnePayee(TlsFactory tls, SSLServerSocket listener)
      throws Exception {
    try (SSLSocket socket = (SSLSocket) listener.accept()) {
      tls.handshake(socket);
      LineReader in = new LineReader(socket.getInputStream(), 1024);
      String line = in.readLine();
      socket.getOutputStream().write(Wire.encodeLine("OK"));
      socket.getOutputStream().flush();
      in.readLine();
      return line;
    }
  }
}
