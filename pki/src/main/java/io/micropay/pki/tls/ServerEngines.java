package io.micropay.pki.tls;

import io.micropay.pki.PeerIdentity;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The engines of a non-blocking TLS server (the payment server's transport), from the first
 * bytes a client sends to the release of its engine: the ClientHello read before the engine,
 * the engine itself, who the client is once it has shaken hands, whether it resumed, and the
 * count of engines not yet released, which is 0 when nothing leaks.
 */
public final class ServerEngines {
  private final TlsContexts contexts;
  private final ApplicationProtocols applicationProtocols;
  private final PeerCertificates peerCertificates;
  /** The engines made and not yet released, with what each one's ALPN selector decided. */
  private final Map<SSLEngine, ApplicationProtocols.Selection> live = new ConcurrentHashMap<>();

  public ServerEngines(TlsContexts contexts, ApplicationProtocols applicationProtocols,
      PeerCertificates peerCertificates) {
    this.contexts = contexts;
    this.applicationProtocols = applicationProtocols;
    this.peerCertificates = peerCertificates;
  }

  /**
   * An engine for the connection accepted from {@code client}, who is named in the log of a
   * refused ALPN offer and tells this connection's handshake from others' ({@link #isResumed});
   * requires a peer client and selects the application protocol.
   */
  public SSLEngine newEngine(InetSocketAddress client) {
    SSLEngine engine = contexts.newServerEngine(client);
    live.put(engine, applicationProtocols.selectFor(engine));
    return engine;
  }

  /**
   * Whether the connection of {@code engine}, whose first input is {@code received} (read, not
   * consumed), may go on to the engine, or must be refused with {@link
   * ClientHelloAlpn#noApplicationProtocolAlert} because its client offers only micropay versions
   * this process does not speak (PROTOCOL.md section 7; the refusal is logged here, with the
   * versions offered and the client).
   */
  public ClientHelloVerdict screenClientHello(SSLEngine engine, ByteBuffer received) {
    if (applicationProtocols.names().isEmpty()) {
      return ClientHelloVerdict.PROCEED;
    }
    ClientHelloAlpn.Peek peek = ClientHelloAlpn.peek(received);
    return switch (peek.state()) {
      case NEED_MORE -> ClientHelloVerdict.NEED_MORE;
      case UNDECIDED -> ClientHelloVerdict.PROCEED;
      case READ -> applicationProtocols.select(peek.offered(),
          engine.getPeerHost() + ":" + engine.getPeerPort()) == null
          ? ClientHelloVerdict.REFUSE : ClientHelloVerdict.PROCEED;
    };
  }

  /**
   * Who the client of {@code engine} (its handshake finished) is, checked against the CRL of
   * this moment ({@link PeerCertificates#authenticate}); throws as a failed handshake would when
   * its ALPN offer was refused and the engine went on regardless (BoringSSL's does).
   */
  public PeerIdentity authenticate(SSLEngine engine) throws SSLException {
    ApplicationProtocols.Selection selection = live.get(engine);
    if (selection != null) {
      selection.requireAccepted();
    }
    return peerCertificates.authenticate(engine.getSession());
  }

  /**
   * Whether the finished handshake of {@code engine} resumed an earlier TLS session rather than
   * verifying the client's certificate.
   */
  public boolean isResumed(SSLEngine engine) {
    return contexts.isResumed(engine);
  }

  /**
   * Ends {@code engine} when its connection is closed: a native engine frees its TLS state
   * outside the Java heap at once instead of whenever the garbage collector gets to it. Call it
   * exactly once per engine, on every path that closes a connection (a failed handshake, an
   * abrupt close, a clean one); the engine is unusable after.
   */
  public void release(SSLEngine engine) {
    engine.closeOutbound();
    try {
      engine.closeInbound();
    } catch (SSLException e) {
      // The other side sent no close_notify: expected of an abrupt close, and nothing to report.
    }
    contexts.forget(engine);
    live.remove(engine);
  }

  /** Engines made by {@link #newEngine} and not yet released: 0 when nothing leaks. */
  public long live() {
    return live.size();
  }
}
