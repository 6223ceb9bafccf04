package io.micropay.pki.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The identity a process presents, which can be replaced while its SSLContexts serve: a renewed
 * certificate takes effect on the next handshake, and connections already open are not touched.
 * Each identity gets its own alias ({@code identity-1}, {@code identity-2}, ...), because the JDK
 * asks for the alias first and for the chain and the key afterwards: a handshake that chose an
 * alias just before a renewal still gets the chain and key that belong together. The identities
 * before the current one are kept for those handshakes, a few at most.
 */
public final class RenewableKeyManager extends X509ExtendedKeyManager {
  /** Earlier identities still answered for, for handshakes that chose them just before. */
  static final int KEPT_IDENTITIES = 4;
  private static final String PREFIX = "identity-";

  private final AtomicInteger generations = new AtomicInteger();
  private final Map<String, Identity> identities = new ConcurrentHashMap<>();
  private volatile Identity current;

  /**
   * One certificate chain and its key.
   *
   * @param chain the certificate first, then any issuers to send with it
   * @param key the certificate's private key
   */
  public record Identity(List<X509Certificate> chain, PrivateKey key) {
    public Identity {
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("a chain holds at least the certificate itself");
      }
    }

    /** The certificate presented. */
    public X509Certificate certificate() {
      return chain.get(0);
    }
  }

  public RenewableKeyManager(Identity first) {
    replace(first);
  }

  /** The identity presented from now on. */
  public Identity current() {
    return current;
  }

  /** Presents {@code next} from the next handshake on. */
  public synchronized void replace(Identity next) {
    int generation = generations.incrementAndGet();
    identities.put(PREFIX + generation, next);
    identities.remove(PREFIX + (generation - KEPT_IDENTITIES));
    current = next;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return chooseFor(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers,
      SSLEngine engine) {
    return chooseFor(keyTypes);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return chooseFor(new String[] {keyType});
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return chooseFor(new String[] {keyType});
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliasesFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return aliasesFor(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Identity identity = alias == null ? null : identities.get(alias);
    return identity == null ? null : identity.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Identity identity = alias == null ? null : identities.get(alias);
    return identity == null ? null : identity.key();
  }

  private String[] aliasesFor(String keyType) {
    String alias = chooseFor(new String[] {keyType});
    return alias == null ? null : new String[] {alias};
  }

  /**
   * The current identity's alias when its key fits one of {@code keyTypes} ("EC", "RSA",
   * "RSASSA-PSS", or TLS 1.2's "EC_EC"-style pairs); null otherwise, so the JDK tries the next
   * signature scheme instead of signing with a key of the wrong kind.
   */
  private String chooseFor(String[] keyTypes) {
    String alias;
    Identity identity;
    synchronized (this) {
      alias = PREFIX + generations.get();
      identity = current;
    }
    String algorithm = identity.key().getAlgorithm();
    for (String keyType : keyTypes) {
      if (keyType != null && (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_")
          || algorithm.equals("RSA") && keyType.equals("RSASSA-PSS"))) {
        return alias;
      }
    }
    return null;
  }
}
