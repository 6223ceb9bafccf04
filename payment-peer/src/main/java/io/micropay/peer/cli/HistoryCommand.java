package io.micropay.peer.cli;

import io.micropay.peer.PeerNode;
import io.micropay.protocol.Limits;
import io.micropay.protocol.Request;
import io.micropay.protocol.StatementEntry;
import io.micropay.protocol.StatementPage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "history", mixinStandardHelpOptions = true,
    description = "Print your statement from the server's ledger, newest first: every grant, "
        + "deposit, payment and receipt of your account, with the balance after each, the "
        + "transfer id and the memo. Needs a server that speaks protocol version 2.")
final class HistoryCommand implements Callable<Integer> {
  /** The most entries one command prints: pages of the protocol's size, at most this many. */
  static final int MAX_LIMIT = 100_000;

  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Option(names = "--since", paramLabel = "<time>",
      description = "Only entries at or after this ISO-8601 instant (2026-12-01T00:00:00Z).")
  Instant since;

  @Option(names = "--until", paramLabel = "<time>",
      description = "Only entries before this ISO-8601 instant.")
  Instant until;

  @Option(names = "--limit", paramLabel = "<n>", defaultValue = "100",
      description = "At most this many entries, 1 to 100000 (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ParameterException(spec.commandLine(), "--limit is 1 to " + MAX_LIMIT
          + ", not " + limit);
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new ParameterException(spec.commandLine(), "--until must be after --since");
    }
    try (PeerNode node = OneShot.connect(parent.options, spec.commandLine().getErr())) {
      StatementTable.print(read(node, since, until, limit), spec.commandLine().getOut());
      return 0;
    }
  }

  /** Up to {@code limit} entries, newest first, page by page. */
  static List<StatementEntry> read(PeerNode node, Instant since, Instant until, int limit) {
    List<StatementEntry> entries = new ArrayList<>();
    Request.Statement request = new Request.Statement(
        Math.min(limit, Limits.MAX_STATEMENT_ENTRIES), 0, since, until);
    while (entries.size() < limit) {
      StatementPage page = node.statement(request);
      entries.addAll(page.entries().subList(0, Math.min(page.entries().size(),
          limit - entries.size())));
      if (!page.hasNext()) {
        break;
      }
      request = request.after(page.nextBefore());
    }
    return entries;
  }
}
