package io.micropay.pki.testing;

import io.micropay.pki.CaInitializer.ExistingCa;
import io.micropay.pki.CaInitializer;
import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.CertificateAuthority.LeafRequest;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.RevocationReason;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.Validity;
import io.micropay.pki.tls.ApplicationProtocols;
import io.micropay.pki.tls.TlsEngine;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.SubjectAltNames;
import io.micropay.pki.x509.Subjects;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A throwaway PKI in a temporary folder for tests: a CA, a server certificate for localhost and
 * 127.0.0.1, and peers on demand, all made with the real {@link CertificateAuthority}. It also
 * makes the certificates a hostile client would bring: expired, not yet valid, from another CA,
 * self-signed with a real account name.
 */
public final class TestPki {
  private final PkiLayout layout;
  private final CertificateAuthority ca;
  private final TlsEngineChoice engine;

  private TestPki(PkiLayout layout, CertificateAuthority ca, TlsEngineChoice engine) {
    this.layout = layout;
    this.ca = ca;
    this.engine = engine;
  }

  /**
   * The same PKI, whose TLS factories use {@code tlsEngine} (the default is the native one
   * where it loads): for tests that must hold on both engines.
   */
  public TestPki usingEngine(TlsEngine tlsEngine) {
    return new TestPki(layout, ca, TlsEngineChoice.of(tlsEngine));
  }

  /** The engine of the TLS factories this makes. */
  public TlsEngineChoice engine() {
    return engine;
  }

  /** A CA in {@code directory} with a server certificate and no peers yet. */
  public static TestPki create(Path directory) {
    PkiLayout layout = new PkiLayout(directory);
    CaInitializer.init(layout, "test CA", KeyAlgorithm.EC_P256, 30, 30, Passphrase.none(),
        ExistingCa.REFUSE, Clock.systemUTC());
    CertificateAuthority ca = CertificateAuthority.open(layout, Passphrase.none(),
        Clock.systemUTC());
    TestPki pki = new TestPki(layout, ca, TlsEngineChoice.automatic());
    ca.issueWithNewKey(new LeafRequest(Role.SERVER, "localhost",
            List.of(SubjectAltNames.parse("DNS:localhost"), SubjectAltNames.parse("IP:127.0.0.1")),
            validNow(), ExistingCertificate.REFUSE),
        KeyAlgorithm.EC_P256, Passphrase.none(), layout.serverCertificate(), layout.serverKey());
    return pki;
  }

  /** A certificate file and its key file. */
  public record Identity(Path certificate, Path key) {
  }

  public PkiLayout layout() {
    return layout;
  }

  public CertificateAuthority ca() {
    return ca;
  }

  /** The server's certificate and key. */
  public Identity server() {
    return new Identity(layout.serverCertificate(), layout.serverKey());
  }

  /** Issues a valid peer certificate for {@code name} (once; later calls return the same). */
  public Identity peer(String name) {
    Identity identity = new Identity(layout.peerCertificate(name), layout.peerKey(name));
    if (!identity.certificate().toFile().exists()) {
      issuePeer(name, validNow());
    }
    return identity;
  }

  /** Issues a valid operator certificate for {@code name} (once; later calls return the same). */
  public Identity operator(String name) {
    Identity identity = new Identity(layout.operatorCertificate(name), layout.operatorKey(name));
    if (!identity.certificate().toFile().exists()) {
      ca.issueWithNewKey(new LeafRequest(Role.OPERATOR, name, List.of(), validNow(),
              ExistingCertificate.RENEW), KeyAlgorithm.EC_P256, Passphrase.none(),
          layout.operatorCertificate(name), layout.operatorKey(name));
    }
    return identity;
  }

  /** A TLS factory for operator {@code name} (issuing its certificate if needed). */
  public TlsFactory operatorTls(String name) {
    Identity identity = operator(name);
    return TlsFactory.builder().forLayout(layout).engine(engine)
        .identity(identity.certificate(), identity.key(), Passphrase.none(), Role.OPERATOR)
        .build();
  }

  /** Issues a peer certificate for {@code name} valid during {@code validity}. */
  public Identity issuePeer(String name, Validity validity) {
    ca.issueWithNewKey(new LeafRequest(Role.PEER, name, List.of(), validity,
            ExistingCertificate.RENEW), KeyAlgorithm.EC_P256, Passphrase.none(),
        layout.peerCertificate(name), layout.peerKey(name));
    return new Identity(layout.peerCertificate(name), layout.peerKey(name));
  }

  /** A peer certificate for {@code name} that expired yesterday. */
  public Identity expiredPeer(String name) {
    Instant now = Instant.now();
    return issuePeer(name, new Validity(now.minus(Duration.ofDays(30)),
        now.minus(Duration.ofDays(1))));
  }

  /** A peer certificate for {@code name} that becomes valid tomorrow. */
  public Identity notYetValidPeer(String name) {
    Instant now = Instant.now();
    return issuePeer(name, new Validity(now.plus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(30))));
  }

  /** Revokes {@code name}'s certificate (key compromise) and rewrites the CRL. */
  public void revoke(String name) {
    ca.revoke(name, RevocationReason.KEY_COMPROMISE, CertificateAuthority.DEFAULT_CRL_DAYS);
  }

  /**
   * A peer certificate for {@code name} from a different CA that calls itself by the same name
   * as this one, written under {@code directory}: only the signature tells them apart.
   */
  public Identity peerFromAnotherCa(String name, Path directory) {
    TestPki other = create(directory);
    return other.peer(name);
  }

  /** A self-signed certificate with this deployment's peer subject for {@code name}. */
  public Identity selfSignedPeer(String name, Path directory) {
    SecureRandom random = new SecureRandom();
    KeyPair keyPair = KeyAlgorithm.EC_P256.generate(random);
    var subject = Subjects.subject(name, Role.PEER);
    X509Certificate certificate = new CertificateSigner(subject, keyPair.getPublic(),
        keyPair.getPrivate(), random)
        .issueLeaf(subject, keyPair.getPublic(), Role.PEER, List.of(), validNow());
    Identity identity = new Identity(directory.resolve(name + "-self-signed.crt"),
        directory.resolve(name + "-self-signed.key"));
    Pem.writeCertificates(identity.certificate(), List.of(certificate));
    Pem.writePrivateKey(identity.key(), keyPair.getPrivate(), Passphrase.none());
    return identity;
  }

  /** A TLS factory for the server, with the given handshake deadline. */
  public TlsFactory serverTls(int handshakeTimeoutMillis) {
    return serverTls(handshakeTimeoutMillis, ApplicationProtocols.NONE);
  }

  /** A TLS factory for the server that selects among {@code protocols}. */
  public TlsFactory serverTls(int handshakeTimeoutMillis, ApplicationProtocols protocols) {
    return TlsFactory.builder().forLayout(layout).engine(engine)
        .identity(layout.serverCertificate(), layout.serverKey(), Passphrase.none(), Role.SERVER)
        .handshakeTimeoutMillis(handshakeTimeoutMillis).applicationProtocols(protocols).build();
  }

  /** A TLS factory for peer {@code name} (issuing its certificate if needed). */
  public TlsFactory peerTls(String name, int handshakeTimeoutMillis) {
    return peerTls(name, handshakeTimeoutMillis, ApplicationProtocols.NONE);
  }

  /** A TLS factory for peer {@code name} that offers and selects among {@code protocols}. */
  public TlsFactory peerTls(String name, int handshakeTimeoutMillis,
      ApplicationProtocols protocols) {
    Identity identity = peer(name);
    return TlsFactory.builder().forLayout(layout).engine(engine)
        .identity(identity.certificate(), identity.key(), Passphrase.none(), Role.PEER)
        .handshakeTimeoutMillis(handshakeTimeoutMillis).applicationProtocols(protocols).build();
  }

  private static Validity validNow() {
    return Validity.days(Instant.now(), 30);
  }
}
