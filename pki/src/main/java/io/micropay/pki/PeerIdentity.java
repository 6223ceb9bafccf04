package io.micropay.pki;

import java.security.cert.X509Certificate;

/**
 * Who is on the other end of an authenticated TLS connection.
 *
 * @param accountName the CN of the certificate: the account this connection may act for
 * @param role the certificate's role
 * @param certificate the certificate itself, kept for later revocation checks
 */
public record PeerIdentity(String accountName, Role role, X509Certificate certificate) {
}
