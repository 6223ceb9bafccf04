package io.micropay.peer.cli;

import io.micropay.peer.PeerConfig;
import io.micropay.pki.TlsFactory;
import io.micropay.pki.client.CertificateRenewal;
import io.micropay.pki.x509.Subjects;
import java.security.cert.X509Certificate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "renew", mixinStandardHelpOptions = true,
    description = {"Renew this peer's certificate now, over mutual TLS with the current one "
        + "(same key). A running peer does this by itself at two thirds of the lifetime.",
        "A revoked or expired certificate cannot renew: enroll again with a new token."})
final class RenewCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Mixin
  CaCommands ca;

  @Override
  public Integer call() {
    PeerConfig config = CaCommands.config(parent.options);
    TlsFactory tls = CaCommands.tls(config);
    X509Certificate old = tls.certificate();
    X509Certificate renewed = CertificateRenewal.renewNow(tls, ca.service(config),
        config.certificate());
    spec.commandLine().getOut().println("renewed " + tls.accountName() + ": serial "
        + Subjects.serialHex(renewed.getSerialNumber()) + ", valid until "
        + renewed.getNotAfter().toInstant() + " (was serial "
        + Subjects.serialHex(old.getSerialNumber()) + ", valid until "
        + old.getNotAfter().toInstant() + "); wrote " + config.certificate());
    return PeerCommand.ok();
  }
}
