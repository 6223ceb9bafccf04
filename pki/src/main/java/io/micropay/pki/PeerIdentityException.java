package io.micropay.pki;

import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The other end of a connection proved an identity, but not the one this side needs: a payee
 * whose certificate names someone else, or a certificate revoked since the session began.
 */
public final class PeerIdentityException extends SSLPeerUnverifiedException {
  private static final long serialVersionUID = 1L;

  public PeerIdentityException(String message) {
    super(message);
  }
}
