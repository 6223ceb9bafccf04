package io.micropay.peer.cli;

import io.micropay.cli.testing.CommandRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** The real {@code payment-peer} command line, run in this JVM with its output captured. */
final class Cli {
  private Cli() {
  }

  /** A command still running ({@code online}, say), whose output can be read meanwhile. */
  static final class Running {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Thread thread;

    private Running(String name, String[] args) {
      thread = new Thread(() -> {
        try {
          exit.complete(execute(args, out, err));
        } catch (RuntimeException | Error e) {
          exit.completeExceptionally(e);
        }
      }, name);
      thread.setDaemon(true);
    }

    /** What it printed so far, standard output and error together. */
    String output() {
      return out + err.toString();
    }

    boolean isDone() {
      return exit.isDone();
    }

    /** Waits for it to end by itself. */
    CommandRun awaitExit(Duration timeout) throws Exception {
      int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new CommandRun(code, out.toString(), err.toString());
    }

    /** Asks it to leave (as an embedding program would) and waits for it. */
    CommandRun stop(Duration timeout) throws Exception {
      thread.interrupt();
      return awaitExit(timeout);
    }
  }

  static CommandRun run(String... args) {
    return CommandRun.of(PeerCommand.commandLine(), args);
  }

  /** Runs {@code command} as peer {@code name} of {@code server}'s PKI, against it. */
  static CommandRun peer(io.micropay.server.TestServer server, String name, String... command) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--ssl-dir",
        server.pki().layout().directory().toString(), "--name", name, "--server",
        "127.0.0.1:" + server.port()));
    args.addAll(java.util.List.of(command));
    return run(args.toArray(String[]::new));
  }

  static Running start(String name, String... args) {
    Running running = new Running(name, args);
    running.thread.start();
    return running;
  }

  private static int execute(String[] args, StringWriter out, StringWriter err) {
    CommandLine commandLine = PeerCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
