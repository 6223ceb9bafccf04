package io.micropay.peer.cli;

import io.micropay.cli.StandardCommandLine;
import io.micropay.peer.Backoff;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerEvents;
import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import io.micropay.peer.Prompter;
import io.micropay.protocol.Amounts;
import io.micropay.protocol.Limits;
import io.micropay.protocol.Printable;
import io.micropay.rules.AccountNames;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;

/**
 * The interactive shell: line editing and history (JLine), a friendly word for everything, and
 * incoming payment requests printed above the prompt without garbling what is being typed. The
 * numbers of the assignment's old menu work as shortcuts: 1 register, 2 login, 3 list, 4 pay,
 * 5 exit.
 */
final class Shell implements Prompter, PeerEvents {
  private static final List<String> HELP = List.of(
      "  list | l | 3            who is online, and your balance",
      "  pay <payee> <amount> [--memo <text>]   pay someone (4 asks for both)",
      "  history | h             your statement from the server's ledger (newest 20)",
      "  deposit <amount>        add money to your account",
      "  register | 1            open your account on the server",
      "  login | 2               log in again",
      "  help | ?                this list",
      "  exit | quit | 5         leave (Ctrl-D too)",
      "  y | n                   answer a payment request shown above the prompt");

  private static final List<String> ANSWERS = List.of("y", "yes", "n", "no", "accept",
      "decline");

  private final Terminal terminal;
  private final PrintWriter out;
  private LineReader reader;
  private PeerNode node;
  private volatile CompletableFuture<Boolean> pendingAnswer;

  Shell(Terminal terminal) {
    this.terminal = terminal;
    this.out = terminal.writer();
  }

  /**
   * Runs the shell until the user leaves. {@code started} gets the peer once it runs, for the
   * control socket.
   */
  int run(PeerConfig config, Backoff backoff, Consumer<PeerNode> started) {
    reader = LineReaderBuilder.builder().terminal(terminal).appName("micropay")
        .completer(new StringsCompleter("list", "pay", "history", "deposit", "register",
            "login", "help", "exit"))
        .build();
    node = PeerNode.start(config, this, this, backoff);
    started.accept(node);
    try {
      out.println("micropay peer " + node.name() + ", " + node.status().replace("online at",
          "connected to") + ". Type help for the commands.");
      login();
      loop();
      return StandardCommandLine.OK;
    } finally {
      node.close();
      out.println("bye");
      out.flush();
    }
  }

  @Override
  public void notice(String message) {
    show(message);
  }

  @Override
  public synchronized Optional<Boolean> ask(String question, Duration timeout) {
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    pendingAnswer = answer;
    show(">>> " + question + "  (type y or n within " + timeout.toSeconds() + " s)");
    try {
      return Optional.of(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.empty();
    } finally {
      pendingAnswer = null;
    }
  }

  private void loop() {
    while (true) {
      String line;
      try {
        line = reader.readLine(node.name() + "> ").trim();
      } catch (UserInterruptException e) {
        out.println(pendingAnswer != null ? "(Ctrl-C) answer the request with y or n"
            : "(Ctrl-C) type exit, or press Ctrl-D, to leave");
        out.flush();
        continue;
      } catch (EndOfFileException e) {
        return;
      }
      if (line.isEmpty()) {
        continue;
      }
      if (answered(line)) {
        continue;
      }
      if (!execute(line.split("\\s+"))) {
        return;
      }
    }
  }

  private boolean answered(String line) {
    CompletableFuture<Boolean> pending = pendingAnswer;
    String word = line.toLowerCase(Locale.ROOT);
    if (!ANSWERS.contains(word)) {
      return false;
    }
    if (pending == null) {
      out.println("no payment request is waiting for an answer");
      out.flush();
      return true;
    }
    pending.complete(ConsolePrompter.isYes(word));
    return true;
  }

  /** Runs one command; false when the user wants to leave. */
  private boolean execute(String[] words) {
    try {
      switch (words[0].toLowerCase(Locale.ROOT)) {
        case "list", "l", "3" -> Screen.onlineList(out, node.list(), node.name());
        case "pay", "4" -> pay(words);
        case "history", "h" -> history();
        case "deposit" -> deposit(words);
        case "register", "1" -> register();
        case "login", "2" -> login();
        case "help", "?" -> HELP.forEach(out::println);
        case "exit", "quit", "5" -> {
          return false;
        }
        default -> out.println("unknown command '" + words[0] + "'; type help");
      }
    } catch (PeerFailure e) {
      out.println("! " + e.getMessage());
    }
    out.flush();
    return true;
  }

  /** The ledger's statement when the server speaks version 2; this run's payments if not. */
  private void history() {
    try {
      StatementTable.print(HistoryCommand.read(node, null, null, SHELL_HISTORY_ENTRIES), out);
    } catch (PeerFailure e) {
      out.println("(" + e.getMessage() + "; showing this run's payments only)");
      Screen.history(out, node.history().entries());
    }
  }

  private void pay(String[] words) {
    String memo = null;
    if (words.length > 4 && words[3].equals(PeerWork.MEMO_OPTION)) {
      // Words were split on spaces: the memo is the rest, joined again, without quotes.
      memo = String.join(" ", java.util.Arrays.asList(words).subList(4, words.length));
      if (memo.length() >= 2 && memo.startsWith("\"") && memo.endsWith("\"")) {
        memo = memo.substring(1, memo.length() - 1);
      }
      words = java.util.Arrays.copyOf(words, 3);
    }
    if (words.length > 3) {
      out.println("! usage: pay <payee> <amount> [--memo <text>]");
      return;
    }
    if (memo != null && !io.micropay.protocol.Memo.isValid(memo)) {
      out.println("! bad memo: " + io.micropay.protocol.Memo.problem(memo));
      return;
    }
    String payee = words.length > 1 ? words[1] : reader.readLine("pay whom? ").trim();
    if (payee.isEmpty()) {
      out.println("nothing paid");
      return;
    }
    if (!AccountNames.isValid(payee)) {
      out.println("! '" + Printable.of(payee) + "' is not an account name: "
          + AccountNames.RULE);
      return;
    }
    String amountText = words.length > 2 ? words[2] : reader.readLine("how much? ").trim();
    long amount = Amounts.parseOrInvalid(amountText);
    if (amount < 0) {
      out.println("! '" + Printable.of(amountText) + "' is not an amount: whole units, 1 to "
          + Limits.MAX_AMOUNT);
      return;
    }
    out.println(Screen.receipt(node.pay(payee, amount, memo, line -> {
      out.println(line);
      out.flush();
    })));
  }

  /** Entries the shell's history shows: the newest, one page. */
  private static final int SHELL_HISTORY_ENTRIES = 20;

  private void deposit(String[] words) {
    long amount = words.length == 2 ? Amounts.parseOrInvalid(words[1]) : -1;
    if (amount < 0) {
      out.println("! usage: deposit <amount>, whole units, 1 to " + Limits.MAX_AMOUNT);
      return;
    }
    if (!node.deposit(amount)) {
      throw new PeerFailure(Kind.REFUSED_BY_SERVER, "the server refused the deposit of "
          + amount + " (DEPOSIT FAIL): " + node.depositRefusal(amount));
    }
    out.println("deposited " + amount);
  }

  private void register() {
    if (!node.register()) {
      out.println("! the server refused to register " + node.name() + ": already registered");
      return;
    }
    out.println("registered " + node.name());
    login();
  }

  private void login() {
    try {
      Screen.onlineList(out, node.goOnline(), node.name());
      out.println("online; receiving payments on port " + node.listenPort());
    } catch (PeerFailure e) {
      if (e.kind() == Kind.REFUSED_BY_SERVER) {
        out.println("'" + node.name() + "' is not registered yet: type register (or 1)");
      } else {
        out.println("! " + e.getMessage() + (e.kind() == Kind.SERVER_UNREACHABLE
            ? " (you go online by yourself once the server is back)" : ""));
      }
    }
    out.flush();
  }

  private void show(String message) {
    if (reader != null && reader.isReading()) {
      reader.printAbove(message);
    } else {
      out.println(message);
      out.flush();
    }
  }
}
