package io.micropay.peer.net;

import io.micropay.peer.IncomingPayments.Decision;
import io.micropay.peer.IncomingPayments;
import io.micropay.peer.PeerEvents;
import io.micropay.peer.net.ListenerSlots.Phase;
import io.micropay.peer.net.ListenerSlots.Slot;
import io.micropay.pki.PeerIdentity;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.Limits;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.protocol.TransferResult;
import io.micropay.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One payer's connection to the payee's listener, on one of the listener's threads: the
 * handshake, each request within its deadline, the decision, the relay of the server's verdict,
 * and the wait for a next request on a kept connection. Each phase is entered through the
 * {@link ListenerSlots}, which may close a connection that is only waiting to make room for
 * another payer.
 */
final class PayerConversation {
  private static final Logger LOG = LoggerFactory.getLogger(PayerConversation.class);

  /** What every conversation of one listener shares. */
  record Settings(TlsFactory tls, IncomingPayments payments, PeerEvents events,
      Duration requestTimeout, Duration relayTimeout, KeepAlive keepAlive, ListenerSlots slots,
      int maxPerPayer) {
  }

  private final Settings settings;
  private final SSLSocket socket;
  private final Slot slot;

  PayerConversation(Settings settings, SSLSocket socket) {
    this.settings = settings;
    this.socket = socket;
    this.slot = settings.slots().open(socket);
  }

  void serve() {
    PeerIdentity payer = null;
    try (socket) {
      // Small writes (handshake flights, a one-line decision) must not wait for Nagle.
      socket.setTcpNoDelay(true);
      payer = settings.tls().handshake(socket);
      if (!settings.slots().admitPayer(payer.accountName())) {
        refuseExtraConnection(payer);
        payer = null;
        return;
      }
      converse(payer);
    } catch (IOException e) {
      if (!slot.evicted()) {
        String reason = TlsFactory.describe(e);
        LOG.warn("payment request from {} failed: {}", socket.getRemoteSocketAddress(), reason);
        settings.events().notice("refused a connection from "
            + socket.getInetAddress().getHostAddress() + ": " + reason);
      }
    } finally {
      if (payer != null) {
        settings.slots().releasePayer(payer.accountName());
      }
      settings.slots().close(slot);
    }
  }

  private void converse(PeerIdentity payer) throws IOException {
    ProtocolVersion version = ProtocolVersion.negotiated(TlsFactory.negotiatedProtocol(socket));
    DeadlineInputStream input = new DeadlineInputStream(socket, socket.getInputStream());
    LineReader in = new LineReader(input, Limits.MAX_LINE_BYTES);
    OutputStream out = socket.getOutputStream();
    if (!settings.slots().enter(slot, Phase.REQUEST)) {
      return;
    }
    // A deadline for the whole line: a payer trickling a byte a second runs out of time.
    input.deadline(settings.requestTimeout().toMillis(), "the payer's request");
    String line = in.readLine();
    for (int served = 1; line != null; served++) {
      if (!settings.slots().enter(slot, Phase.WORKING)) {
        return;
      }
      if (!answer(payer, version, line, input, in, out)
          || served == settings.keepAlive().maxRequests()) {
        return;
      }
      line = nextRequest(payer, input, in);
    }
  }

  /**
   * Decides one request, answers it, and concludes an accepted one.
   *
   * @return whether the exchange completed and the connection may carry another request
   */
  private boolean answer(PeerIdentity payer, ProtocolVersion version, String line,
      DeadlineInputStream input, LineReader in, OutputStream out) throws IOException {
    Decision decision = settings.payments().decide(payer, line, version);
    out.write(Wire.encodeLine(decision.decision().format(version)));
    out.flush();
    if (decision.accepted().isEmpty()) {
      return decision.decision().allowsAnotherRequest();
    }
    input.deadline(settings.relayTimeout().toMillis(), "the payer's relay of the verdict");
    TransferResult relay = readRelay(in);
    settings.payments().concluded(decision.accepted().get(), relay);
    return relay != null;
  }

  /**
   * Waits up to the keep-alive for the payer's next request on a kept connection.
   *
   * @return the request, or null when the connection is to be closed: the payer closed it or
   *     stayed silent, another payer needed the thread, or the payer's certificate is no longer
   *     acceptable
   */
  private String nextRequest(PeerIdentity payer, DeadlineInputStream input, LineReader in)
      throws IOException {
    if (!settings.slots().enter(slot, Phase.KEPT)) {
      return null;
    }
    String line;
    try {
      input.deadline(settings.keepAlive().idle().toMillis(), "the next request");
      line = in.readLine();
    } catch (SocketTimeoutException | SocketException quiet) {
      // Idle too long, or closed to make room: ending a kept connection is routine.
      return null;
    }
    if (line == null) {
      return null;
    }
    Optional<String> rejection = settings.tls().rejection(payer.certificate());
    if (rejection.isPresent()) {
      LOG.warn("closed the kept connection of {}: {}", payer.accountName(), rejection.get());
      settings.events().notice("refused a payment from " + payer.accountName() + ": "
          + rejection.get());
      return null;
    }
    return line;
  }

  private void refuseExtraConnection(PeerIdentity payer) {
    LOG.warn("refused a connection from {} at {}: it has {} open already, the most one payer "
        + "may hold", payer.accountName(), socket.getRemoteSocketAddress(),
        settings.maxPerPayer());
    settings.events().notice("refused a connection from " + payer.accountName() + ": "
        + settings.maxPerPayer() + " of theirs are open already");
  }

  /** The verdict the payer relayed, or null when it sent none or something unreadable. */
  private static TransferResult readRelay(LineReader in) {
    try {
      String line = in.readLine();
      return line == null ? null : TransferResult.parse(line);
    } catch (IOException e) {
      LOG.debug("no usable relay from the payer: {}", e.getMessage());
      return null;
    }
  }
}
