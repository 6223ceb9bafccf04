package io.micropay.peer.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import io.micropay.peer.control.ControlServer;
import java.io.PrintWriter;
import java.util.List;

/**
 * What the one-shot commands {@code list}, {@code pay} and {@code deposit} do with a peer: the
 * same whether the command connects itself or a running peer runs it for its control socket, so
 * that both print the same and end with the same exit code.
 */
final class PeerWork {
  private PeerWork() {
  }

  /** Whether the peer must log in first (a fresh one-shot) or is online already (running). */
  enum Login { FIRST, ALREADY_ONLINE }

  static int list(PeerNode node, Login login, PrintWriter out) {
    Screen.onlineList(out, login == Login.FIRST ? node.goOnline() : node.list(), node.name());
    return StandardCommandLine.OK;
  }

  /** The pay option that carries a memo, also through the control socket. */
  static final String MEMO_OPTION = "--memo";

  static int pay(PeerNode node, Login login, String payee, long amountUnits, PrintWriter out) {
    return pay(node, login, payee, amountUnits, null, out);
  }

  /** Pays with a memo (null for none); a note about the memo goes to {@code out} first. */
  static int pay(PeerNode node, Login login, String payee, long amountUnits, String memo,
      PrintWriter out) {
    if (login == Login.FIRST) {
      node.goOnline();
    }
    out.println(Screen.receipt(node.pay(payee, amountUnits, memo, line -> {
      if (line.contains("without the memo")) {
        out.println(line);
      }
    })));
    return StandardCommandLine.OK;
  }

  static int deposit(PeerNode node, long amountUnits, PrintWriter out) {
    if (!node.deposit(amountUnits)) {
      throw new PeerFailure(Kind.REFUSED_BY_SERVER, "the server refused the deposit of "
          + amountUnits + " (DEPOSIT FAIL): " + node.depositRefusal(amountUnits));
    }
    out.println("deposited " + amountUnits + " into " + node.name());
    return StandardCommandLine.OK;
  }

  /** Runs the control socket's commands on a running peer. */
  static ControlServer.Handler handler(PeerNode node) {
    return (words, out, err) -> {
      try {
        return run(node, words, out);
      } catch (PeerFailure e) {
        err.println("payment-peer: " + e.getMessage());
        return e.kind().exitCode();
      } catch (IllegalArgumentException e) {
        err.println("payment-peer: " + e.getMessage());
        return StandardCommandLine.USAGE;
      }
    };
  }

  private static int run(PeerNode node, List<String> words, PrintWriter out) {
    String command = words.isEmpty() ? "" : words.get(0);
    if (command.equals("list") && words.size() == 1) {
      return list(node, Login.ALREADY_ONLINE, out);
    }
    if (command.equals("pay") && words.size() == 3) {
      return pay(node, Login.ALREADY_ONLINE, words.get(1), amount(words.get(2)), out);
    }
    // The control socket splits on spaces; the memo is every word after --memo, joined again.
    if (command.equals("pay") && words.size() >= 5 && words.get(3).equals(MEMO_OPTION)) {
      return pay(node, Login.ALREADY_ONLINE, words.get(1), amount(words.get(2)),
          String.join(" ", words.subList(4, words.size())), out);
    }
    if (command.equals("deposit") && words.size() == 2) {
      return deposit(node, amount(words.get(1)), out);
    }
    throw new IllegalArgumentException("the running peer does not run '"
        + io.micropay.protocol.Printable.of(String.join(" ", words)) + "'");
  }

  private static long amount(String text) {
    return new AmountConverter().convert(text);
  }
}
