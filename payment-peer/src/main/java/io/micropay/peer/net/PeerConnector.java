package io.micropay.peer.net;

import io.micropay.pki.TlsFactory;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.PaymentDecision;
import io.micropay.protocol.Request;
import io.micropay.protocol.TransferResult;
import io.micropay.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * The peer's "client of client": one short conversation with a payee's listener. It checks that
 * the listener's certificate is the payee's before it sends anything
 * ({@link TlsFactory#connectToPeer}), asks, and later tells the payee what the server said.
 */
public final class PeerConnector {
  private final TlsFactory tls;
  private final Duration connectTimeout;
  private final Duration decisionTimeout;

  /**
   * @param decisionTimeout how long to wait for the payee's OK or DECLINE: long enough for a
   *     person to answer a prompt
   */
  public PeerConnector(TlsFactory tls, Duration connectTimeout, Duration decisionTimeout) {
    this.tls = tls;
    this.connectTimeout = connectTimeout;
    this.decisionTimeout = decisionTimeout;
  }

  /** An open conversation with a payee, after its decision. */
  public static final class Conversation implements AutoCloseable {
    private final SSLSocket socket;
    private final PaymentDecision decision;

    Conversation(SSLSocket socket, PaymentDecision decision) {
      this.socket = socket;
      this.decision = decision;
    }

    public PaymentDecision decision() {
      return decision;
    }

    /** Tells the payee the server's verdict; best effort, the money has moved or not already. */
    public void relay(TransferResult result) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(Wire.encodeLine(result.format()));
        out.flush();
      } catch (IOException ignored) {
        // The payee can confirm with List on its own session.
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Done either way.
      }
    }
  }

  /**
   * Sends {@code request} to {@code payee}'s listener and reads its decision.
   *
   * @throws io.micropay.pki.PeerIdentityException when the listener is not the payee
   * @throws IOException when the payee cannot be reached or does not answer in time
   */
  public Conversation ask(OnlineEntry payee, Request.TransferReport request) throws IOException {
    SSLSocket socket = tls.connectToPeer(payee.ip(), payee.port(), payee.name(),
        (int) connectTimeout.toMillis());
    try {
      socket.setSoTimeout((int) decisionTimeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(Wire.encodeLine(request.format()));
      out.flush();
      String line = LineReader.forReplies(socket.getInputStream()).readLine();
      if (line == null) {
        throw new IOException("the payee closed the connection without answering");
      }
      return new Conversation(socket, PaymentDecision.parse(line));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }
}
