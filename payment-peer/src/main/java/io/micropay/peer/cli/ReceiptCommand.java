package io.micropay.peer.cli;

import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import io.micropay.pki.Role;
import io.micropay.pki.cms.SignedContent;
import io.micropay.pki.x509.CertificateRejectedException;
import io.micropay.pki.x509.Pem;
import io.micropay.pki.x509.Subjects;
import io.micropay.protocol.ProtocolException;
import io.micropay.protocol.ReceiptContent;
import io.micropay.protocol.ReceiptReply;
import io.micropay.protocol.StatementEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "receipt", mixinStandardHelpOptions = true,
    subcommands = ReceiptCommand.Verify.class,
    description = "Fetch the server's signed receipt (CMS, PEM) of a transfer you paid or "
        + "received: by its transfer id, or the newest with --last. Check one with "
        + "'receipt verify <file>', or with openssl cms -verify -purpose any -CAfile ca.crt "
        + "-in <file> -inform PEM.")
final class ReceiptCommand implements Callable<Integer> {
  /** How far back in the statement a transfer id is looked for. */
  static final int MAX_SEARCH_ENTRIES = 10_000;
  /** The largest receipt file read. */
  static final int MAX_RECEIPT_FILE_BYTES = 256 * 1024;

  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  static final class Which {
    @Parameters(paramLabel = "<transfer-id>", description = "The transfer's id.")
    String transferId;

    @Option(names = "--last", description = "The newest transfer you paid or received.")
    boolean last;
  }

  // Optional to picocli, so that "receipt verify <file>" needs neither; call() insists.
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Which which;

  @Option(names = "--out", paramLabel = "<file>",
      description = "Write the receipt here instead of printing it.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (which == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "give a <transfer-id> or --last (or: receipt verify <file>)");
    }
    PrintWriter stdout = spec.commandLine().getOut();
    try (PeerNode node = OneShot.connect(parent.options, spec.commandLine().getErr())) {
      StatementEntry entry = HistoryCommand.read(node, null, null, MAX_SEARCH_ENTRIES).stream()
          .filter(candidate -> candidate.transferId() != null)
          .filter(candidate -> which.last || candidate.transferId().equals(which.transferId))
          .findFirst()
          .orElseThrow(() -> new PeerFailure(PeerFailure.Kind.GENERAL, which.last
              ? "your statement has no transfer with an id"
              : "no transfer " + which.transferId + " in your newest " + MAX_SEARCH_ENTRIES
                  + " statement entries"));
      String payer = entry.kind() == StatementEntry.Kind.PAID ? node.name()
          : entry.counterparty();
      ReceiptReply reply = node.receipt(payer, entry.transferId());
      if (!reply.isIssued()) {
        throw new PeerFailure(PeerFailure.Kind.GENERAL, "the server issued no receipt for "
            + payer + "'s transfer " + entry.transferId());
      }
      String pem = SignedContent.toPem(reply.der());
      if (out == null) {
        stdout.print(pem);
      } else {
        Files.writeString(out, pem, StandardCharsets.US_ASCII);
        stdout.println("receipt of transfer " + entry.transferId() + " written to " + out);
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check a receipt: the signature over its content, the signer's certificate"
          + " issued by your CA and valid when it signed, and the signer a payment server; "
          + "then print what it proves. Exit code 1 when it does not verify.")
  static final class Verify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    ReceiptCommand receipt;

    @Parameters(paramLabel = "<file>", description = "The receipt, PEM.")
    Path file;

    @Override
    public Integer call() {
      PrintWriter stdout = spec.commandLine().getOut();
      PrintWriter stderr = spec.commandLine().getErr();
      try {
        if (Files.size(file) > MAX_RECEIPT_FILE_BYTES) {
          stderr.println("payment-peer: " + file + " is larger than a receipt ("
              + MAX_RECEIPT_FILE_BYTES + " bytes at most)");
          return 1;
        }
        byte[] der = SignedContent.fromPem(Files.readString(file, StandardCharsets.US_ASCII));
        SignedContent.Verified verified = SignedContent.verify(der,
            Pem.readCertificate(receipt.parent.options.caCertificate()), Role.SERVER);
        ReceiptContent content = ReceiptContent.decode(verified.content());
        stdout.println("valid receipt, signed " + verified.signedAt() + " by the payment server "
            + Subjects.describe(verified.signer()) + ":");
        stdout.println("  " + content.payer() + " paid " + content.payee() + " "
            + content.amountUnits() + " (transfer " + content.transferId() + ", journal entry "
            + content.journalEntry() + ", recorded " + content.time() + ")"
            + (content.memo() == null ? "" : " memo: " + content.memo()));
        return 0;
      } catch (CertificateRejectedException | ProtocolException e) {
        stderr.println("payment-peer: " + file + " is not a valid receipt: " + e.getMessage());
        return 1;
      } catch (java.nio.charset.MalformedInputException e) {
        stderr.println("payment-peer: " + file + " is not ASCII PEM");
        return 1;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
