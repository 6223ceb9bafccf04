package io.micropay.pki.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.pki.CertificateAuthority.ExistingCertificate;
import io.micropay.pki.CertificateAuthority.Issued;
import io.micropay.pki.CertificateAuthority.LeafRequest;
import io.micropay.pki.CertificateAuthority;
import io.micropay.pki.PkiLayout;
import io.micropay.pki.Role;
import io.micropay.pki.x509.SubjectAltNames;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.x509.GeneralName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "issue", mixinStandardHelpOptions = true,
    description = "Make a key and a certificate in one step (for the server, and for demos; "
        + "real peers use 'request' and 'sign' so their key never leaves them).",
    subcommands = {IssueCommand.Server.class, IssueCommand.Peer.class,
        IssueCommand.Operator.class})
final class IssueCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "say what to issue: 'issue server', 'issue peer <name>' or 'issue operator <name>'");
  }

  /** Options shared by both kinds of certificate. */
  static final class LeafOptions {
    @Mixin
    CaOptions ca;

    @Mixin
    KeyOptions key;

    @Mixin
    ValidityOptions validity = new ValidityOptions(CertificateAuthority.DEFAULT_LEAF_DAYS);

    @Option(names = "--renew", description = "Replace a valid certificate of the same name; "
        + "the old one is revoked (superseded) and the CRL rewritten.")
    boolean renew;

    ExistingCertificate existing() {
      return renew ? ExistingCertificate.RENEW : ExistingCertificate.REFUSE;
    }
  }

  @Command(name = "server", mixinStandardHelpOptions = true,
      description = "Key and certificate for the payment server: server.key, server.crt.")
  static final class Server implements Callable<Integer> {
    static final List<String> DEFAULT_SANS = List.of("DNS:localhost", "IP:127.0.0.1");

    @Spec
    CommandSpec spec;

    @Mixin
    LeafOptions options;

    @Option(names = "--san", paramLabel = "<DNS:name|IP:address>",
        description = "A name clients dial, added to DNS:localhost and IP:127.0.0.1 "
            + "(repeatable).")
    List<String> extraSans = new ArrayList<>();

    @Option(names = "--no-default-sans",
        description = "Leave out DNS:localhost and IP:127.0.0.1 (production servers).")
    boolean noDefaultSans;

    @Option(names = "--cn", paramLabel = "<name>",
        description = "The certificate's CN (default: the first DNS name, else the first IP "
            + "address).")
    String commonName;

    @Override
    public Integer call() {
      List<GeneralName> sans = sans(noDefaultSans ? extraSans : concat(DEFAULT_SANS, extraSans));
      String cn = commonName != null ? commonName : serverCommonName(sans);
      PkiLayout layout = options.ca.layout();
      CertificateAuthority ca = options.ca.open();
      Issued issued = ca.issueWithNewKey(new LeafRequest(Role.SERVER, cn, sans,
              options.validity.validity(Instant.now()), options.existing()),
          options.key.algorithm(), options.key.passphrase(), layout.serverCertificate(),
          layout.serverKey());
      report(spec.commandLine().getOut(), issued, layout.serverCertificate(), layout.serverKey());
      return StandardCommandLine.OK;
    }

    /**
     * The CN a server certificate takes when none is given: its first DNS name, or else its first
     * IP address written as text (the SAN holds the address as raw bytes, which are no CN).
     */
    static String serverCommonName(List<GeneralName> sans) {
      for (GeneralName name : sans) {
        if (name.getTagNo() == GeneralName.dNSName) {
          return name.getName().toString();
        }
      }
      for (GeneralName name : sans) {
        if (name.getTagNo() == GeneralName.iPAddress) {
          return SubjectAltNames.text(name).substring("IP:".length());
        }
      }
      throw new io.micropay.pki.PkiException("a server certificate needs at least one "
          + "--san DNS:<name> or IP:<address>");
    }
  }

  @Command(name = "peer", mixinStandardHelpOptions = true,
      description = "Key and certificate for peer <name> (CN = account name): "
          + "peers/<name>.key, peers/<name>.crt.")
  static final class Peer implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LeafOptions options;

    @Parameters(paramLabel = "<name>", description = "The account name: 1-32 of A-Z a-z 0-9 "
        + "_ . -, starting with a letter.")
    String name;

    @Override
    public Integer call() {
      PkiLayout layout = options.ca.layout();
      CertificateAuthority ca = options.ca.open();
      Issued issued = ca.issueWithNewKey(new LeafRequest(Role.PEER, name, List.of(),
              options.validity.validity(Instant.now()), options.existing()),
          options.key.algorithm(), options.key.passphrase(), layout.peerCertificate(name),
          layout.peerKey(name));
      report(spec.commandLine().getOut(), issued, layout.peerCertificate(name),
          layout.peerKey(name));
      return StandardCommandLine.OK;
    }
  }

  @Command(name = "operator", mixinStandardHelpOptions = true,
      description = "Key and certificate for operator <name>, admitted only to the payment "
          + "server's operator endpoint (metrics, health, live books, backup): "
          + "operators/<name>.key, operators/<name>.crt.")
  static final class Operator implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LeafOptions options;

    @Parameters(paramLabel = "<name>", description = "The operator's name: 1-32 of A-Z a-z "
        + "0-9 _ . -, starting with a letter.")
    String name;

    @Override
    public Integer call() {
      PkiLayout layout = options.ca.layout();
      CertificateAuthority ca = options.ca.open();
      Issued issued = ca.issueWithNewKey(new LeafRequest(Role.OPERATOR, name, List.of(),
              options.validity.validity(Instant.now()), options.existing()),
          options.key.algorithm(), options.key.passphrase(), layout.operatorCertificate(name),
          layout.operatorKey(name));
      report(spec.commandLine().getOut(), issued, layout.operatorCertificate(name),
          layout.operatorKey(name));
      return StandardCommandLine.OK;
    }
  }

  static List<GeneralName> sans(List<String> entries) {
    return entries.stream().map(SubjectAltNames::parse).toList();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** Prints what was issued, where it went, and what it replaced. */
  static void report(PrintWriter out, Issued issued, Path certificateFile, Path keyFile) {
    out.println("issued " + issued.entry().subject() + " serial " + issued.entry().serialHex()
        + ", valid until " + issued.entry().notAfter());
    out.println("  " + certificateFile + "  certificate");
    if (keyFile != null) {
      out.println("  " + keyFile + "  private key (mode 0600)");
    }
    issued.replaced().ifPresent(old -> out.println("  replaced serial " + old.serialHex()
        + ", now revoked (superseded); the CRL was rewritten"));
    if (!issued.ignoredExtensions().isEmpty()) {
      out.println("  ignored extensions the request asked for: " + issued.ignoredExtensions());
    }
  }
}
