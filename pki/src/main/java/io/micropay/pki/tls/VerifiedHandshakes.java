package io.micropay.pki.tls;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;

/**
 * The connections of this process whose handshake verified the other side's certificate chain:
 * a full handshake does, a resumed one carries the session's earlier verdict and verifies
 * nothing. That tells the two apart on either engine (a session's creation time does not:
 * BoringSSL keeps it in whole seconds).
 *
 * <p>Sockets are known by identity, held weakly. Server engines are known by the client's
 * address and port, which are unique among the open connections of one server: BoringSSL's
 * engine hands the trust manager its inner engine, not the one its owner holds, but both name
 * the same peer. Their owner forgets an engine when it releases it.
 */
final class VerifiedHandshakes {
  private final Map<Object, Boolean> sockets = Collections.synchronizedMap(new WeakHashMap<>());
  private final Set<String> engines = ConcurrentHashMap.newKeySet();

  /** {@code endpoint}, an SSLSocket or SSLEngine, verified a certificate chain just now. */
  void record(Object endpoint) {
    if (endpoint instanceof SSLEngine engine) {
      engines.add(peerOf(engine));
    } else if (endpoint != null) {
      sockets.put(endpoint, Boolean.TRUE);
    }
  }

  /** Whether {@code endpoint}'s finished handshake verified no certificate: a resumption. */
  boolean resumed(Object endpoint) {
    return endpoint instanceof SSLEngine engine ? !engines.contains(peerOf(engine))
        : !sockets.containsKey(endpoint);
  }

  /** Forgets {@code engine}, whose connection is closed. */
  void forget(SSLEngine engine) {
    engines.remove(peerOf(engine));
  }

  private static String peerOf(SSLEngine engine) {
    return engine.getPeerHost() + ":" + engine.getPeerPort();
  }
}
