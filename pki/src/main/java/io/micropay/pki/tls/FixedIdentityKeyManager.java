package io.micropay.pki.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one certificate chain and its key whatever the other side asks for. The JDK's own key
 * manager sends nothing when the server's list of acceptable CAs does not include the
 * certificate's issuer, and needs a key store to hold a single key. Tools use this one: the load
 * generator's thousands of simulated peers, and the tests' rogue client, whose "other CA" test
 * would otherwise turn into a "no certificate" test.
 */
public final class FixedIdentityKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "identity";

  private final X509Certificate[] chain;
  private final PrivateKey key;

  /**
   * @param chain the certificate first, then any issuers to send with it
   * @param key the certificate's private key
   */
  public FixedIdentityKeyManager(List<X509Certificate> chain, PrivateKey key) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a chain holds at least the certificate itself");
    }
    this.chain = chain.toArray(X509Certificate[]::new);
    this.key = key;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers,
      SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
