package io.micropay.pki.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.testing.CommandRun;
import io.micropay.testing.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code pki} command line, run through {@code CommandLine.execute} with captured output,
 * and every certificate it makes checked by the real {@code openssl} command line.
 */
@Timeout(120)
class PkiCommandTest {
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path directory;

  private Path ssl;

  /** What one run printed and returned. */

  @BeforeEach
  void paths() {
    ssl = directory.resolve("ssl");
  }

  @Test
  void makesADeploymentWhoseEveryCertificateOpensslVerifies() {
    ok("init", "--dir", ssl.toString());
    ok("issue", "server", "--dir", ssl.toString(), "--san", "DNS:pay.example");
    ok("issue", "peer", "alice", "--dir", ssl.toString());
    ok("issue", "peer", "bob", "--dir", ssl.toString(), "--key-algorithm", "rsa-2048");
    for (Path certificate : List.of(ssl.resolve("ca.crt"), ssl.resolve("server.crt"),
        ssl.resolve("peers/alice.crt"), ssl.resolve("peers/bob.crt"))) {
      OpenSsl.Result verify = OpenSsl.run(OPENSSL_TIMEOUT, "verify", "-CAfile",
          ssl.resolve("ca.crt").toString(), "-crl_check", "-CRLfile",
          ssl.resolve("ca.crl").toString(), certificate.toString());
      assertEquals(0, verify.exitCode(), verify.output());
      assertTrue(verify.stdout().contains(": OK"), verify.output());
    }
    OpenSsl.Result server = OpenSsl.run(OPENSSL_TIMEOUT, "x509", "-noout", "-ext",
        "subjectAltName,extendedKeyUsage", "-in", ssl.resolve("server.crt").toString());
    assertTrue(server.stdout().contains("DNS:localhost"), server.output());
    assertTrue(server.stdout().contains("IP Address:127.0.0.1"), server.output());
    assertTrue(server.stdout().contains("DNS:pay.example"), server.output());
    assertTrue(server.stdout().contains("TLS Web Server Authentication"), server.output());
    OpenSsl.Result purpose = OpenSsl.run(OPENSSL_TIMEOUT, "verify", "-CAfile",
        ssl.resolve("ca.crt").toString(), "-purpose", "sslclient",
        ssl.resolve("peers/alice.crt").toString());
    assertEquals(0, purpose.exitCode(), "a peer certificate is a TLS client certificate: "
        + purpose.output());
  }

  @Test
  void aRevokedCertificateFailsOpensslCrlCheck() {
    ok("init", "--dir", ssl.toString());
    ok("issue", "peer", "alice", "--dir", ssl.toString());
    ok("issue", "peer", "bob", "--dir", ssl.toString());
    CommandRun revoke = ok("revoke", "alice", "--reason", "keyCompromise", "--dir", ssl.toString());
    assertTrue(revoke.out().contains("revoked /OU=peer/CN=alice"), revoke.out());
    OpenSsl.Result alice = crlCheck("peers/alice.crt");
    assertTrue(alice.exitCode() != 0, alice.output());
    assertTrue(alice.output().contains("certificate revoked"), alice.output());
    assertEquals(0, crlCheck("peers/bob.crt").exitCode());

    CommandRun list = ok("list", "--dir", ssl.toString());
    assertTrue(list.out().lines().anyMatch(l -> l.contains("alice") && l.contains("revoked")
        && l.contains("keyCompromise")), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.contains("bob") && l.contains("valid")),
        list.out());
    CommandRun verifyAlice = run("verify", "--dir", ssl.toString(),
        ssl.resolve("peers/alice.crt").toString());
    assertEquals(1, verifyAlice.exitCode());
    assertTrue(verifyAlice.out().contains("REJECTED") && verifyAlice.out().contains("revoked"));
    assertEquals(0, run("verify", "--dir", ssl.toString(),
        ssl.resolve("peers/bob.crt").toString()).exitCode());
  }

  @Test
  void theEnrollmentFlowSignsAPeersRequestWithoutItsKey() throws Exception {
    ok("init", "--dir", ssl.toString());
    Path peerMachine = directory.resolve("carol-machine");
    CommandRun request = ok("request", "carol", "--dir", peerMachine.toString());
    assertTrue(request.out().contains("carol.csr"), request.out());
    OpenSsl.Result csr = OpenSsl.run(OPENSSL_TIMEOUT, "req", "-verify", "-noout", "-in",
        peerMachine.resolve("peers/carol.csr").toString());
    assertEquals(0, csr.exitCode(), csr.output());
    CommandRun sign = ok("sign", "--dir", ssl.toString(),
        peerMachine.resolve("peers/carol.csr").toString());
    assertTrue(sign.out().contains("CN=carol"), sign.out());
    assertFalse(Files.exists(ssl.resolve("peers/carol.key")), "the CA never had the key");
    assertEquals(0, OpenSsl.run(OPENSSL_TIMEOUT, "verify", "-CAfile",
        ssl.resolve("ca.crt").toString(), ssl.resolve("peers/carol.crt").toString()).exitCode());
    CommandRun again = run("sign", "--dir", ssl.toString(),
        peerMachine.resolve("peers/carol.csr").toString());
    assertEquals(1, again.exitCode());
    assertTrue(again.err().contains("already exists") || again.err().contains("--renew"),
        again.err());
  }

  @Test
  void operatorCertificatesAreOuOperatorClientAuthOnlyInOperatorsByIssueAndByRequestAndSign() {
    ok("init", "--dir", ssl.toString());
    ok("issue", "operator", "olga", "--dir", ssl.toString());
    Path machine = directory.resolve("oscar-machine");
    CommandRun request = ok("request", "--role", "operator", "oscar", "--dir", machine.toString());
    assertTrue(request.out().contains("operators/oscar.csr"), request.out());
    CommandRun asPeer = run("sign", "--dir", ssl.toString(),
        machine.resolve("operators/oscar.csr").toString());
    assertEquals(1, asPeer.exitCode(), "an OU=operator request is never signed as a peer");
    ok("sign", "--role", "operator", "--dir", ssl.toString(),
        machine.resolve("operators/oscar.csr").toString());
    for (String name : new String[] {"olga", "oscar"}) {
      Path certificate = ssl.resolve("operators/" + name + ".crt");
      OpenSsl.Result text = OpenSsl.run(OPENSSL_TIMEOUT, "x509", "-noout", "-subject", "-ext",
          "extendedKeyUsage", "-in", certificate.toString());
      assertTrue(text.output().contains("OU=operator") || text.output().contains("OU = operator"),
          text.output());
      assertTrue(text.output().contains("TLS Web Client Authentication")
          && !text.output().contains("TLS Web Server Authentication"), text.output());
    }
  }

  @Test
  void aServerNamedOnlyByAnIpAddressTakesTheAddressAsItsCn() {
    ok("init", "--dir", ssl.toString());
    CommandRun issue = ok("issue", "server", "--dir", ssl.toString(), "--no-default-sans", "--san",
        "IP:10.213.0.1");
    assertTrue(issue.out().contains("CN=10.213.0.1"), issue.out());
    OpenSsl.Result text = OpenSsl.run(OPENSSL_TIMEOUT, "x509", "-noout", "-subject", "-ext",
        "subjectAltName", "-in", ssl.resolve("server.crt").toString());
    assertTrue(text.stdout().contains("CN = 10.213.0.1"), text.output());
    assertTrue(text.stdout().contains("IP Address:10.213.0.1"), text.output());
    CommandRun none = run("issue", "server", "--dir", ssl.toString(), "--no-default-sans", "--renew");
    assertEquals(1, none.exitCode());
    assertTrue(none.err().contains("needs at least one --san"), none.err());
  }

  @Test
  void aRequestForOuServerIsNotSignedAsAPeer() {
    ok("init", "--dir", ssl.toString());
    Path csr = directory.resolve("server.csr");
    OpenSsl.Result request = OpenSsl.run(OPENSSL_TIMEOUT, "req", "-new", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost/OU=server",
        "-keyout", directory.resolve("server.key").toString(), "-out", csr.toString());
    assertEquals(0, request.exitCode(), request.output());
    CommandRun asPeer = run("sign", "--dir", ssl.toString(), csr.toString());
    assertEquals(1, asPeer.exitCode());
    assertTrue(asPeer.err().contains("asks for OU=server but is being signed as a peer")
        && asPeer.err().contains("--role server"), asPeer.err());
    assertFalse(Files.exists(ssl.resolve("peers/localhost.crt")), "nothing was signed");
    CommandRun asServer = ok("sign", "--dir", ssl.toString(), "--role", "server", "--san",
        "DNS:localhost", csr.toString());
    assertTrue(asServer.out().contains("/OU=server/CN=localhost"), asServer.out());
  }

  @Test
  void initWithoutForceLeavesTheCaAlone() throws Exception {
    ok("init", "--dir", ssl.toString());
    byte[] key = Files.readAllBytes(ssl.resolve("ca.key"));
    CommandRun again = run("init", "--dir", ssl.toString());
    assertEquals(1, again.exitCode());
    assertTrue(again.err().contains("already exists"), again.err());
    assertArrayEquals(key, Files.readAllBytes(ssl.resolve("ca.key")));
    CommandRun forced = ok("init", "--dir", ssl.toString(), "--force");
    assertTrue(forced.out().contains("moved the previous CA to"), forced.out());
  }

  @Test
  void keysAreMode0600AndEncryptedKeysOpenWithOpenssl() throws Exception {
    Path passphrase = directory.resolve("pass.txt");
    Files.writeString(passphrase, "a long passphrase\n");
    ok("init", "--dir", ssl.toString(), "--ca-passphrase-file", passphrase.toString());
    ok("issue", "peer", "dave", "--dir", ssl.toString(), "--ca-passphrase-file",
        passphrase.toString(), "--key-passphrase-file", passphrase.toString());
    for (Path key : List.of(ssl.resolve("ca.key"), ssl.resolve("peers/dave.key"))) {
      assertEquals("rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
      assertTrue(Files.readString(key).contains("ENCRYPTED PRIVATE KEY"));
      OpenSsl.Result pkey = OpenSsl.run(OPENSSL_TIMEOUT, "pkey", "-noout", "-in",
          key.toString(), "-passin", "file:" + passphrase);
      assertEquals(0, pkey.exitCode(), pkey.output());
    }
    CommandRun noPassphrase = run("issue", "peer", "erin", "--dir", ssl.toString());
    assertEquals(1, noPassphrase.exitCode());
    assertTrue(noPassphrase.err().contains("encrypted"), noPassphrase.err());
  }

  @Test
  void exportsAKeystoreOpensslCanRead() throws Exception {
    ok("init", "--dir", ssl.toString());
    ok("issue", "peer", "bob", "--dir", ssl.toString());
    Path passphrase = directory.resolve("p12.txt");
    Files.writeString(passphrase, "keystore pass\n");
    ok("export", "bob", "--dir", ssl.toString(), "--out-passphrase-file", passphrase.toString());
    Path p12 = ssl.resolve("peers/bob.p12");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p12)));
    OpenSsl.Result info = OpenSsl.run(OPENSSL_TIMEOUT, "pkcs12", "-in", p12.toString(),
        "-passin", "file:" + passphrase, "-nokeys");
    assertEquals(0, info.exitCode(), info.output());
    assertTrue(info.stdout().contains("CN = bob") || info.stdout().contains("CN=bob"),
        info.output());
    CommandRun noPassphrase = run("export", "bob", "--dir", ssl.toString());
    assertEquals(2, noPassphrase.exitCode(), noPassphrase.err());
  }

  @Test
  void renewReplacesAndRevokesTheOldCertificate() {
    ok("init", "--dir", ssl.toString());
    ok("issue", "peer", "alice", "--dir", ssl.toString());
    CommandRun refused = run("issue", "peer", "alice", "--dir", ssl.toString());
    assertEquals(1, refused.exitCode());
    assertTrue(refused.err().contains("--renew"), refused.err());
    CommandRun renewed = ok("issue", "peer", "alice", "--dir", ssl.toString(), "--renew");
    assertTrue(renewed.out().contains("superseded"), renewed.out());
    CommandRun list = ok("list", "--dir", ssl.toString());
    assertEquals(1, list.out().lines().filter(l -> l.contains("alice") && l.contains(" valid "))
        .count(), list.out());
    assertEquals(0, crlCheck("peers/alice.crt").exitCode(), "the new certificate is good");
  }

  @Test
  void showDescribesFilesAndNeverPrintsKeys() {
    ok("init", "--dir", ssl.toString());
    ok("issue", "peer", "alice", "--dir", ssl.toString());
    CommandRun certificate = ok("show", ssl.resolve("peers/alice.crt").toString());
    assertTrue(certificate.out().contains("role:          peer"), certificate.out());
    assertTrue(certificate.out().contains("clientAuth, serverAuth"), certificate.out());
    CommandRun crl = ok("show", ssl.resolve("ca.crl").toString());
    assertTrue(crl.out().contains("Certificate revocation list"), crl.out());
    CommandRun key = ok("show", ssl.resolve("peers/alice.key").toString());
    assertTrue(key.out().contains("a private key (not shown)"), key.out());
    assertFalse(key.out().contains("BEGIN"), key.out());
  }

  @Test
  void badInputGetsAClearErrorAndTheRightExitCode() {
    CommandRun missing = run("show", directory.resolve("nothing.pem").toString());
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().startsWith("pki: ") && missing.err().contains("does not exist"),
        missing.err());
    CommandRun noCa = run("issue", "peer", "alice", "--dir", ssl.toString());
    assertEquals(1, noCa.exitCode());
    assertTrue(noCa.err().contains("pki init"), noCa.err());
    ok("init", "--dir", ssl.toString());
    CommandRun badName = run("issue", "peer", "1alice", "--dir", ssl.toString());
    assertEquals(1, badName.exitCode());
    assertTrue(badName.err().contains("must start with a letter"), badName.err());
    CommandRun reserved = run("issue", "peer", "List", "--dir", ssl.toString());
    assertEquals(1, reserved.exitCode());
    assertTrue(reserved.err().contains("command word"), reserved.err());
    CommandRun unknownOption = run("issue", "peer", "alice", "--colour", "blue");
    assertEquals(2, unknownOption.exitCode());
    assertTrue(unknownOption.err().contains("Unknown option"), unknownOption.err());
    assertEquals(2, run("issue", "peer").exitCode(), "the name is required");
    assertEquals(2, run().exitCode(), "a subcommand is required");
    CommandRun badAlgorithm = run("issue", "peer", "alice", "--dir", ssl.toString(),
        "--key-algorithm", "dsa-1024");
    assertEquals(2, badAlgorithm.exitCode());
    assertTrue(badAlgorithm.err().contains("ec-p256"), badAlgorithm.err());
    CommandRun badReason = run("revoke", "alice", "--dir", ssl.toString(), "--reason", "boredom");
    assertEquals(1, badReason.exitCode());
    CommandRun badDays = run("issue", "peer", "alice", "--dir", ssl.toString(), "--days", "0");
    assertEquals(1, badDays.exitCode());
    assertTrue(badDays.err().contains("out of range"), badDays.err());
  }

  @Test
  void helpAndVersionExitZero() {
    CommandRun help = ok("--help");
    for (String subcommand : List.of("init", "issue", "request", "sign", "revoke", "crl", "list",
        "show", "verify", "export")) {
      assertTrue(help.out().contains(subcommand), subcommand + " in " + help.out());
    }
    assertTrue(ok("--version").out().contains("micropay pki"));
  }

  private OpenSsl.Result crlCheck(String certificate) {
    return OpenSsl.run(OPENSSL_TIMEOUT, "verify", "-crl_check", "-CAfile",
        ssl.resolve("ca.crt").toString(), "-CRLfile", ssl.resolve("ca.crl").toString(),
        ssl.resolve(certificate).toString());
  }

  private CommandRun ok(String... args) {
    CommandRun run = run(args);
    assertEquals(0, run.exitCode(), "pki " + String.join(" ", args) + "\n" + run.err());
    return run;
  }

  private static CommandRun run(String... args) {
    return CommandRun.of(PkiCommand.commandLine(), args);
  }
}
