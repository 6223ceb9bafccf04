package io.micropay.peer.net;

import io.micropay.pki.TlsFactory;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.PaymentDecision;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.protocol.Request;
import io.micropay.protocol.TransferResult;
import io.micropay.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's "client of client": conversations with payees' listeners. It checks that the
 * listener's certificate is the payee's before it sends anything
 * ({@link TlsFactory#connectToPeer}), asks, and later tells the payee what the server said.
 *
 * <p>A connection whose exchange completed is kept for a short while ({@link #MAX_IDLE}) and used
 * again for the next payment to the same payee at the same address, which saves a handshake per
 * payment (see {@link KeepAlive} for the payee's side). A payee that closed a kept connection,
 * as PROTOCOL.md section 5 lets it, is asked again on a fresh one: the request is only sent
 * again when the kept connection ended before any answer, so the payee never saw it decided.
 */
public final class PeerConnector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerConnector.class);
  /**
   * How long a kept connection may have been idle to be used again: below the listener's
   * {@link KeepAlive#DEFAULT} idle time, so the payee rarely closes first.
   */
  static final Duration MAX_IDLE = Duration.ofSeconds(2);
  /** Kept connections at most; the one idle longest is closed to make room. */
  static final int MAX_KEPT = 16;

  private final TlsFactory tls;
  private final Duration connectTimeout;
  private final Duration decisionTimeout;
  /** Idle connections, the one idle longest first. */
  private final Deque<Link> kept = new ArrayDeque<>();

  /**
   * @param decisionTimeout how long to wait for the payee's OK or DECLINE: long enough for a
   *     person to answer a prompt
   */
  public PeerConnector(TlsFactory tls, Duration connectTimeout, Duration decisionTimeout) {
    this.tls = tls;
    this.connectTimeout = connectTimeout;
    this.decisionTimeout = decisionTimeout;
  }

  /** One connection to one payee, with its line reader (which may hold bytes read ahead). */
  private static final class Link {
    final OnlineEntry payee;
    final SSLSocket socket;
    final LineReader in;
    long idleSinceNanos;

    Link(OnlineEntry payee, SSLSocket socket) throws IOException {
      this.payee = payee;
      this.socket = socket;
      this.in = LineReader.forReplies(socket.getInputStream());
    }

    void close() {
      Sockets.closeQuietly(socket);
    }
  }

  /** The kept connection ended before the payee answered: ask again on a fresh one. */
  private static final class EndedBeforeAnswer extends IOException {
    EndedBeforeAnswer(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** An open conversation with a payee, after its decision. */
  public static final class Conversation implements AutoCloseable {
    private final PeerConnector connector;
    private final Link link;
    private final PaymentDecision decision;
    private boolean relayed;
    private boolean memoDelivered = true;

    /** Whether the payee was sent the request's memo (false for a version-1 payee). */
    public boolean memoDelivered() {
      return memoDelivered;
    }

    Conversation(PeerConnector connector, Link link, PaymentDecision decision) {
      this.connector = connector;
      this.link = link;
      this.decision = decision;
    }

    public PaymentDecision decision() {
      return decision;
    }

    /** Tells the payee the server's verdict; best effort, the money has moved or not already. */
    public void relay(TransferResult result) {
      try {
        OutputStream out = link.socket.getOutputStream();
        out.write(Wire.encodeLine(result.format()));
        out.flush();
        relayed = true;
      } catch (IOException ignored) {
        // The payee can confirm with List on its own session.
      }
    }

    /**
     * Keeps the connection for the next payment when the exchange is complete (a "no" from the
     * user, or an OK whose verdict was relayed); closes it otherwise.
     */
    @Override
    public void close() {
      if (decision.allowsAnotherRequest() && (relayed || !decision.isAccepted())) {
        connector.keep(link);
      } else {
        link.close();
      }
    }
  }

  /**
   * Sends {@code request} to {@code payee}'s listener and reads its decision, on a kept
   * connection to that payee when there is one.
   *
   * @throws io.micropay.pki.PeerIdentityException when the listener is not the payee
   * @throws IOException when the payee cannot be reached or does not answer in time
   */
  public Conversation ask(OnlineEntry payee, Request.TransferReport request) throws IOException {
    Optional<Link> reusable = takeKept(payee);
    if (reusable.isPresent()) {
      try {
        return converse(reusable.get(), request, true);
      } catch (EndedBeforeAnswer e) {
        LOG.debug("the kept connection to {} had ended ({}); connecting again", payee.name(),
            e.getMessage());
      }
    }
    SSLSocket socket = tls.connectToPeer(payee.ip(), payee.port(), payee.name(),
        (int) connectTimeout.toMillis());
    try {
      return converse(new Link(payee, socket), request, false);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private Conversation converse(Link link, Request.TransferReport request, boolean reused)
      throws IOException {
    try {
      link.socket.setSoTimeout((int) decisionTimeout.toMillis());
      OutputStream out = link.socket.getOutputStream();
      ProtocolVersion version = ProtocolVersion.negotiated(
          TlsFactory.negotiatedProtocol(link.socket));
      // A version-1 payee would refuse the memo's fifth field: it gets the request without.
      out.write(Wire.encodeLine(request.format(version)));
      out.flush();
      String line = link.in.readLine();
      if (line == null) {
        throw reused ? new EndedBeforeAnswer("closed by the payee", null)
            : new IOException("the payee closed the connection without answering");
      }
      Conversation conversation = new Conversation(this, link,
          PaymentDecision.parse(line, version));
      conversation.memoDelivered = request.memo() == null
          || version.atLeast(ProtocolVersion.V2);
      return conversation;
    } catch (SocketException | SSLException e) {
      // Not a timeout: a timeout may mean the payee is still deciding, and must not be asked
      // twice.
      link.close();
      throw reused ? new EndedBeforeAnswer(e.getMessage(), e) : e;
    } catch (IOException | RuntimeException e) {
      link.close();
      throw e;
    }
  }

  /**
   * The kept connection to this payee at this address, if one is recent enough and its
   * certificate is still acceptable now (a revocation since the handshake ends it).
   */
  private synchronized Optional<Link> takeKept(OnlineEntry payee) {
    long now = System.nanoTime();
    for (Iterator<Link> links = kept.iterator(); links.hasNext(); ) {
      Link link = links.next();
      if (now - link.idleSinceNanos > MAX_IDLE.toNanos()) {
        links.remove();
        link.close();
      } else if (link.payee.equals(payee)) {
        links.remove();
        Optional<String> rejection = peerCertificate(link).map(tls::rejection)
            .orElse(Optional.of("it shows no certificate"));
        if (rejection.isPresent()) {
          LOG.warn("closed the kept connection to {}: {}", payee.name(), rejection.get());
          link.close();
          return Optional.empty();
        }
        return Optional.of(link);
      }
    }
    return Optional.empty();
  }

  private synchronized void keep(Link link) {
    link.idleSinceNanos = System.nanoTime();
    kept.addLast(link);
    while (kept.size() > MAX_KEPT) {
      kept.removeFirst().close();
    }
  }

  private static Optional<X509Certificate> peerCertificate(Link link) {
    try {
      return Optional.of((X509Certificate) link.socket.getSession().getPeerCertificates()[0]);
    } catch (SSLPeerUnverifiedException | ClassCastException e) {
      return Optional.empty();
    }
  }

  /** Closes the kept connections. */
  @Override
  public synchronized void close() {
    for (Link link = kept.poll(); link != null; link = kept.poll()) {
      link.close();
    }
  }
}
