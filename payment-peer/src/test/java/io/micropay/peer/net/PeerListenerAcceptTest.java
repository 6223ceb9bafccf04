package io.micropay.peer.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.History;
import io.micropay.peer.IncomingPayments;
import io.micropay.pki.TlsFactory;
import io.micropay.testing.Await;
import io.micropay.pki.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payee's accept loop when accept fails as it does when the process is out of file
 * descriptors (issue 16): the JDK throws a SocketException, "Too many open files", the same class
 * as for a closed socket. The loop must pause and try again, not spin and not stop for good.
 */
@Timeout(60)
class PeerListenerAcceptTest {
  private static final int TIMEOUT_MILLIS = 5_000;

  @TempDir
  Path directory;

  @Test
  void aFailedAcceptPausesAndTheListenerThenServesPayers() throws Exception {
    TestPki pki = TestPki.create(directory.resolve("ssl"));
    TlsFactory carol = pki.peerTls("carol", TIMEOUT_MILLIS);
    FailingServerSocket failing = new FailingServerSocket(
        carol.bindServerSocket(new InetSocketAddress("127.0.0.1", 0), 50));
    IncomingPayments incoming = new IncomingPayments("carol", AcceptPolicy.AUTO, 1_000,
        (question, timeout) -> Optional.empty(), Duration.ofSeconds(5), new History(),
        message -> { }, request -> IncomingPayments.CreditStatus.unknown("no server (test)"));
    try (PeerListener listener = PeerListener.start(failing, carol, incoming, message -> { },
        Duration.ofSeconds(5), Duration.ofSeconds(5), new KeepAlive(Duration.ofSeconds(5), 1))) {
      Await.until("three failed accepts", Duration.ofSeconds(10),
          () -> failing.failures.size() >= 3);
      for (int i = 1; i < 3; i++) {
        long pauseMillis = (failing.failures.get(i) - failing.failures.get(i - 1)) / 1_000_000;
        assertTrue(pauseMillis >= PeerListener.ACCEPT_FAILURE_PAUSE_MILLIS - 5,
            "accept was retried after " + pauseMillis + " ms: it spins");
      }
      failing.failing = false;
      try (SSLSocket payer = pki.peerTls("alice", TIMEOUT_MILLIS).connectToPeer("127.0.0.1",
          listener.port(), "carol", TIMEOUT_MILLIS)) {
        // connectToPeer finished the handshake and checked that the listener is carol's.
        assertTrue(payer.getSession().isValid(), "the listener still accepts and serves");
      }
    }
  }

  /** A listening socket whose accept fails with "Too many open files" while told to. */
  private static final class FailingServerSocket extends SSLServerSocket {
    private final SSLServerSocket real;
    final List<Long> failures = new CopyOnWriteArrayList<>();
    volatile boolean failing = true;

    FailingServerSocket(SSLServerSocket real) throws IOException {
      this.real = real;
    }

    @Override
    public Socket accept() throws IOException {
      if (failing && !real.isClosed()) {
        failures.add(System.nanoTime());
        throw new SocketException("Too many open files");
      }
      return real.accept();
    }

    @Override
    public void close() throws IOException {
      real.close();
    }

    @Override
    public boolean isClosed() {
      return real.isClosed();
    }

    @Override
    public int getLocalPort() {
      return real.getLocalPort();
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return real.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      real.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return real.getSupportedCipherSuites();
    }

    @Override
    public String[] getSupportedProtocols() {
      return real.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return real.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      real.setEnabledProtocols(protocols);
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      real.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return real.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      real.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return real.getWantClientAuth();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      real.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
      return real.getUseClientMode();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      real.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
      return real.getEnableSessionCreation();
    }
  }
}
