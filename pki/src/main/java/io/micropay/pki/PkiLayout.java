package io.micropay.pki;

import io.micropay.rules.AccountNames;
import java.nio.file.Path;

/**
 * Where the files of a deployment live inside its ssl folder (default {@code ssl/}). One place
 * names them so the CA, the server and the peer agree; see {@code ssl/README.md}.
 *
 * @param directory the ssl folder
 */
public record PkiLayout(Path directory) {
  /** The folder used when none is given. */
  public static final Path DEFAULT_DIRECTORY = Path.of("ssl");

  /** The CA certificate: every party trusts it. */
  public Path caCertificate() {
    return directory.resolve("ca.crt");
  }

  /** The CA private key: only the CA uses it. */
  public Path caKey() {
    return directory.resolve("ca.key");
  }

  /** The current certificate revocation list. */
  public Path crl() {
    return directory.resolve("ca.crl");
  }

  /** The CA's record of every certificate it issued, in OpenSSL's index format. */
  public Path index() {
    return directory.resolve("index.txt");
  }

  /** The lock file that keeps two pki commands from changing the CA at the same time. */
  public Path lockFile() {
    return directory.resolve(".pki.lock");
  }

  /** The folder holding a copy of every certificate issued, named by serial. */
  public Path issuedDirectory() {
    return directory.resolve("issued");
  }

  /** The copy of the certificate with serial {@code serialHex}. */
  public Path issuedCertificate(String serialHex) {
    return issuedDirectory().resolve(serialHex + ".crt");
  }

  /** Where the CA service answers OCSP and CRL requests ({@code pki serve} writes it). */
  public Path caUrls() {
    return directory.resolve("ca-urls.properties");
  }

  /** The one-time enrollment tokens the CA issued, and their use. */
  public Path tokens() {
    return directory.resolve("tokens.txt");
  }

  /** The CA service's own TLS certificate ({@code pki serve} issues and renews it). */
  public Path caServiceCertificate() {
    return directory.resolve("ca-service.crt");
  }

  /** The CA service's own private key. */
  public Path caServiceKey() {
    return directory.resolve("ca-service.key");
  }

  /**
   * On a server or peer: the HTTPS address of the CA service it enrolled with, one line, used to
   * renew its certificate ({@code payment-peer enroll} writes it).
   */
  public Path caServiceAddress() {
    return directory.resolve("ca-service.url");
  }

  /** On a server or peer: the last good CRL fetched from each distribution point. */
  public Path crlCacheDirectory() {
    return directory.resolve("crl-cache");
  }

  /** The payment server's certificate. */
  public Path serverCertificate() {
    return directory.resolve("server.crt");
  }

  /** The payment server's private key. */
  public Path serverKey() {
    return directory.resolve("server.key");
  }

  /** The folder with the peers' keys, CSRs and certificates. */
  public Path peersDirectory() {
    return directory.resolve("peers");
  }

  /** Peer {@code name}'s certificate. */
  public Path peerCertificate(String name) {
    return peersDirectory().resolve(fileName(name, ".crt"));
  }

  /** Peer {@code name}'s private key. */
  public Path peerKey(String name) {
    return peersDirectory().resolve(fileName(name, ".key"));
  }

  /** Peer {@code name}'s certificate signing request. */
  public Path peerCsr(String name) {
    return peersDirectory().resolve(fileName(name, ".csr"));
  }

  /** Peer {@code name}'s PKCS#12 export. */
  public Path peerPkcs12(String name) {
    return peersDirectory().resolve(fileName(name, ".p12"));
  }

  /** The folder with the operators' keys, CSRs and certificates. */
  public Path operatorsDirectory() {
    return directory.resolve("operators");
  }

  /** Operator {@code name}'s certificate. */
  public Path operatorCertificate(String name) {
    return operatorsDirectory().resolve(fileName(name, ".crt"));
  }

  /** Operator {@code name}'s private key. */
  public Path operatorKey(String name) {
    return operatorsDirectory().resolve(fileName(name, ".key"));
  }

  /** Operator {@code name}'s certificate signing request. */
  public Path operatorCsr(String name) {
    return operatorsDirectory().resolve(fileName(name, ".csr"));
  }

  /** Where the key and certificate of a {@code role} certificate named {@code name} go. */
  public Path certificateFor(Role role, String name) {
    return role == Role.OPERATOR ? operatorCertificate(name) : peerCertificate(name);
  }

  /** {@code name} with {@code extension}, once the account-name rule allows the name. */
  private static String fileName(String name, String extension) {
    return AccountNames.requireValid(name, PkiException::new) + extension;
  }
}
