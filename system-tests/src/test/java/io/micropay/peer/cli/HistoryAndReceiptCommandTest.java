package io.micropay.peer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.testing.CommandRun;
import io.micropay.server.TestServer;
import io.micropay.testing.ProtocolClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code payment-peer history} and {@code payment-peer receipt} against a real server: the
 * statement table with memos, the same after a server restart, a receipt fetched, verified, and
 * refused once tampered with.
 */
@Timeout(120)
class HistoryAndReceiptCommandTest {
  private static final String ID = "hist0000-0000-4000-8000-000000000001";

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
  void historyShowsTheStatementWithMemosTheSameAfterARestartAndReceiptsVerify()
      throws Exception {
    server = TestServer.start(directory);
    server.pki().peer("alice");
    server.pki().peer("bob");
    try (ProtocolClient bob = server.online("bob", 6001);
        ProtocolClient alice = server.connectVersion2("alice")) {
      alice.expect("REGISTER#alice", "100 OK");
      alice.send("alice#6000");
      alice.onlineList();
      alice.expect("alice#300#bob#" + ID + "#lunch at Joe's", "Transfer OK!");
    }
    CommandRun history = peer("bob", "history");
    assertEquals(0, history.exitCode(), history.err());
    List<String> lines = history.out().lines().toList();
    assertEquals(3, lines.size(), history.out());
    assertTrue(lines.get(1).contains("received") && lines.get(1).contains("alice")
        && lines.get(1).contains("300") && lines.get(1).contains("10300")
        && lines.get(1).contains(ID) && lines.get(1).endsWith("lunch at Joe's"), lines.get(1));
    assertTrue(lines.get(2).contains("grant"), lines.get(2));
    CommandRun limited = peer("bob", "history", "--limit", "1");
    assertEquals(2, limited.out().lines().count(), limited.out());
    CommandRun future = peer("bob", "history", "--since", "2999-01-01T00:00:00Z");
    assertEquals("no entries\n", future.out());
    assertEquals(2, peer("bob", "history", "--limit", "0").exitCode());

    server.close();
    server = TestServer.reopen(server);
    assertEquals(history.out(), peer("bob", "history").out(), "the same after a restart");

    Path file = directory.resolve("lunch.pem");
    CommandRun receipt = peer("alice", "receipt", "--last", "--out", file.toString());
    assertEquals(0, receipt.exitCode(), receipt.err());
    CommandRun byId = peer("bob", "receipt", ID);
    assertEquals(0, byId.exitCode(), byId.err());
    assertTrue(byId.out().startsWith("-----BEGIN CMS-----\n"), byId.out());
    CommandRun verify = peer("bob", "receipt", "verify", file.toString());
    assertEquals(0, verify.exitCode(), verify.err());
    assertTrue(verify.out().contains("alice paid bob 300 (transfer " + ID), verify.out());
    assertTrue(verify.out().contains("memo: lunch at Joe's"), verify.out());

    String pem = Files.readString(file);
    String body = pem.substring(pem.indexOf('\n') + 1);
    int at = body.length() / 2;
    char flipped = body.charAt(at) == 'A' ? 'B' : 'A';
    Path tampered = directory.resolve("tampered.pem");
    Files.writeString(tampered, pem.substring(0, pem.indexOf('\n') + 1) + body.substring(0, at)
        + flipped + body.substring(at + 1));
    CommandRun refused = peer("bob", "receipt", "verify", tampered.toString());
    assertEquals(1, refused.exitCode(), refused.out());
    assertTrue(refused.err().contains("is not a valid receipt"), refused.err());

    CommandRun unknown = peer("bob", "receipt", "nosuch-transfer-id");
    assertTrue(unknown.exitCode() != 0, unknown.out());
  }

  private CommandRun peer(String name, String... command) {
    return Cli.peer(server, name, command);
  }
}
