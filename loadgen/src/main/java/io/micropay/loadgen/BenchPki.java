package io.micropay.loadgen;

import io.micropay.pki.CaInitializer;
import io.micropay.pki.CaInitializer.ExistingCa;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.CertificateAuthority.LeafRequest;
import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.Passphrase;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Role;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.Validity;
import io.micropay.pki.tls.TlsEngineChoice;
import io.micropay.pki.x509.CertificateSigner;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.SubjectAltNames;
import io.micropay.pki.x509.Subjects;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's certificates, made with the real CA: a CA, a server certificate for 127.0.0.1,
 * a few peers with files (for the real peer program), and thousands of peer certificates held in
 * memory for the simulated sessions. Those share one key pair: each still has its own name and
 * serial, which is all the server looks at, and signing 10,000 certificates is then seconds, not
 * minutes.
 */
final class BenchPki {
  private final PkiLayout layout;
  private final CertificateAuthority ca;
  private final KeyPair sharedKeys;
  private final SecureRandom random = new SecureRandom();

  private BenchPki(PkiLayout layout, CertificateAuthority ca) {
    this.layout = layout;
    this.ca = ca;
    this.sharedKeys = KeyAlgorithm.EC_P256.generate(random);
  }

  /** A fresh CA and server certificate in {@code layout}'s folder. */
  static BenchPki create(PkiLayout layout) {
    CaInitializer.init(layout, "bench CA", KeyAlgorithm.EC_P256, 30, 30, Passphrase.none(),
        ExistingCa.REPLACE, Clock.systemUTC());
    CertificateAuthority ca = CertificateAuthority.open(layout, Passphrase.none(),
        Clock.systemUTC());
    ca.issueWithNewKey(new LeafRequest(Role.SERVER, "localhost",
            List.of(SubjectAltNames.parse("DNS:localhost"), SubjectAltNames.parse("IP:127.0.0.1")),
            Validity.days(Instant.now(), 30), ExistingCertificate.RENEW),
        KeyAlgorithm.EC_P256, Passphrase.none(), layout.serverCertificate(), layout.serverKey());
    return new BenchPki(layout, ca);
  }

  PkiLayout layout() {
    return layout;
  }

  X509Certificate caCertificate() {
    return ca.caCertificate();
  }

  /** A peer with certificate and key files, for programs that read files. */
  void issuePeerFiles(String name) {
    ca.issueWithNewKey(new LeafRequest(Role.PEER, name, List.of(),
            Validity.days(Instant.now(), 30), ExistingCertificate.RENEW),
        KeyAlgorithm.EC_P256, Passphrase.none(), layout.peerCertificate(name),
        layout.peerKey(name));
  }

  /** Peer certificates for {@code names}, in memory, all for the shared key pair. */
  List<X509Certificate> issueInMemory(List<String> names) {
    PrivateKey caKey = Pem.readPrivateKey(layout.caKey(), Passphrase.none());
    CertificateSigner signer = CertificateSigner.forCa(ca.caCertificate(), caKey, random);
    Validity validity = Validity.days(Instant.now(), 30);
    List<X509Certificate> certificates = new ArrayList<>(names.size());
    for (String name : names) {
      certificates.add(signer.issueLeaf(Subjects.subject(name, Role.PEER),
          sharedKeys.getPublic(), Role.PEER, List.of(), validity));
    }
    return certificates;
  }

  /**
   * A TLS factory as a real peer's (from files, checked), for the simulated peers to derive
   * their own from: its CA, CRL and engine are theirs.
   */
  TlsFactory clientTls(TlsEngineChoice engine) {
    String name = "benchclient";
    issuePeerFiles(name);
    return TlsFactory.builder().forLayout(layout)
        .identity(layout.peerCertificate(name), layout.peerKey(name), Passphrase.none(),
            Role.PEER)
        .engine(engine).build();
  }

  PrivateKey sharedPrivateKey() {
    return sharedKeys.getPrivate();
  }
}
