package io.micropay.peer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.Backoff;
import io.micropay.peer.PaymentReceipt;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerNode;
import io.micropay.peer.ServerAddress;
import io.micropay.pki.Passphrase;
import io.micropay.pki.testing.TestPki;
import io.micropay.server.TestServer;
import io.micropay.testing.Await;
import io.micropay.testing.Background;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive shell on a dumb terminal fed through a pipe: commands, the old menu numbers,
 * and an incoming payment request answered at the prompt.
 */
@Timeout(60)
class ShellTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path directory;

  @Test
  void aPersonListsPaysAnswersARequestAndSeesTheirHistory() throws Exception {
    try (TestServer server = TestServer.start(directory)) {
      PeerNode bob = PeerNode.connect(config(server, "bob", AcceptPolicy.AUTO), message -> {
      }, (question, timeout) -> Optional.empty());
      bob.register();
      bob.goOnline();
      PipedOutputStream keyboard = new PipedOutputStream();
      ByteArrayOutputStream screen = new ByteArrayOutputStream();
      // DumbTerminal itself, not TerminalBuilder: given streams, the builder opens a pty and a
      // thread copies the pty's output to the screen later, so the last line ("bye") could still
      // be on its way when the shell has returned. Here every write lands on the screen at once.
      Terminal terminal = new DumbTerminal("shell-test", "dumb", new PipedInputStream(keyboard),
          screen, StandardCharsets.UTF_8);
      CompletableFuture<Integer> shell = Background.supply("shell",
          () -> new Shell(terminal).run(config(server, "alice", AcceptPolicy.PROMPT),
              Backoff.DEFAULT, node -> { }));
      Await.until("the shell says alice is not registered", WAIT,
          () -> text(screen).contains("not registered yet"));
      type(keyboard, "1");
      Await.until("alice online", WAIT, () -> server.server().onlineAccounts() == 2);
      type(keyboard, "list");
      type(keyboard, "pay bob 5");
      Await.until("alice paid bob", WAIT, () -> text(screen).contains("paid bob 5"));

      CompletableFuture<PaymentReceipt> incoming = Background.supply("bob pays",
          () -> bob.pay("alice", 7));
      Await.until("the request above the prompt", WAIT,
          () -> text(screen).contains("bob wants to pay you 7"));
      type(keyboard, "y");
      assertEquals(7, incoming.get(20, TimeUnit.SECONDS).amountUnits());
      type(keyboard, "h");
      type(keyboard, "5");
      assertEquals(0, shell.get(20, TimeUnit.SECONDS));
      bob.close();
      terminal.close();

      String output = text(screen);
      assertTrue(output.contains("balance 10000"), output);
      assertTrue(output.contains("paid bob 5 (balance 10000 -> 9995)"), output);
      assertTrue(output.contains("received 7 from bob (settled, confirmed by the server)"), output);
      // history is the ledger's statement: one row per entry, newest first.
      assertTrue(output.lines().anyMatch(l -> l.matches(".*\\bpaid\\s+bob\\s+5\\s+9995\\b.*")),
          output);
      assertTrue(output.lines().anyMatch(
          l -> l.matches(".*\\breceived\\s+bob\\s+7\\s+10002\\b.*")), output);
      assertTrue(output.contains("bye"), output);
      assertEquals(OptionalLong.of(10_002), server.server().ledger().balance("alice"));
    }
  }

  private static PeerConfig config(TestServer server, String name, AcceptPolicy policy) {
    TestPki.Identity identity = server.pki().peer(name);
    return new PeerConfig(server.pki().layout(), identity.certificate(), identity.key(),
        Passphrase.none(), List.of(new ServerAddress("127.0.0.1", server.port())), 0,
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
        Duration.ofSeconds(15), policy, 1_000_000, 3, Duration.ofSeconds(5));
  }

  @Test
  void mistakesAreOneClearLineAndNothingIsAskedOfAnyone() throws Exception {
    try (TestServer server = TestServer.start(directory)) {
      PipedOutputStream keyboard = new PipedOutputStream();
      ByteArrayOutputStream screen = new ByteArrayOutputStream();
      Terminal terminal = new DumbTerminal("shell-test", "dumb", new PipedInputStream(keyboard),
          screen, StandardCharsets.UTF_8);
      // As a real terminal does: Ctrl-C (byte 3) raises SIGINT.
      Attributes attributes = terminal.getAttributes();
      attributes.setLocalFlag(Attributes.LocalFlag.ISIG, true);
      attributes.setControlChar(Attributes.ControlChar.VINTR, 3);
      terminal.setAttributes(attributes);
      CompletableFuture<Integer> shell = Background.supply("shell",
          () -> new Shell(terminal).run(config(server, "alice", AcceptPolicy.PROMPT),
              Backoff.DEFAULT, node -> { }));
      Await.until("the shell is up", WAIT, () -> text(screen).contains("not registered yet"));
      type(keyboard, "register");
      Await.until("alice online", WAIT, () -> server.server().onlineAccounts() == 1);

      type(keyboard, "pay alice 10");
      Await.until("self-payment refused", WAIT,
          () -> text(screen).contains("! you cannot pay yourself"));
      assertFalse(text(screen).contains("asking alice"), text(screen));

      type(keyboard, "pay");
      type(keyboard, "not a name");
      Await.until("payee checked", WAIT, () -> text(screen).contains(
          "! 'not a name' is not an account name"));
      assertFalse(text(screen).contains("how much?"), text(screen));

      type(keyboard, "y");
      Await.until("nothing to answer", WAIT,
          () -> text(screen).contains("no payment request is waiting for an answer"));
      assertFalse(text(screen).contains("unknown command 'y'"), text(screen));

      type(keyboard, "deposit 2000000");
      Await.until("deposit refused with the limit", WAIT, () -> text(screen).contains(
          "the server's limit is 1000000 per deposit"));

      keyboard.write(3);
      keyboard.flush();
      Await.until("a hint for Ctrl-C", WAIT,
          () -> text(screen).contains("(Ctrl-C) type exit, or press Ctrl-D, to leave"));
      type(keyboard, "exit");
      assertEquals(0, shell.get(20, TimeUnit.SECONDS));
      terminal.close();
    }
  }

  private static void type(PipedOutputStream keyboard, String line) throws IOException {
    keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
  }

  private static String text(ByteArrayOutputStream screen) {
    synchronized (screen) {
      return screen.toString(StandardCharsets.UTF_8);
    }
  }
}
