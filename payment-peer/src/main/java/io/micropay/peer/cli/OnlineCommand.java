package io.micropay.peer.cli;

import io.micropay.cli.DurationConverter;
import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import io.micropay.peer.PeerEvents;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.PeerNode;
import io.micropay.protocol.OnlineList;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "online", mixinStandardHelpOptions = true,
    description = {"Log in, listen for payments, and stay online until interrupted (Ctrl-C or "
        + "SIGTERM) or for --duration: a headless payee.",
        "Each payment received is printed as one line."})
final class OnlineCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  PeerCommand parent;

  @Option(names = "--accept", paramLabel = "<policy>", defaultValue = "prompt",
      description = "prompt (ask on this terminal), auto (accept up to --auto-max), never "
          + "(default: ${DEFAULT-VALUE}).")
  AcceptPolicy policy;

  @Option(names = "--auto-max", paramLabel = "<amount>", defaultValue = "1000000000",
      converter = AmountConverter.class,
      description = "With --accept auto, the largest amount accepted (default: any).")
  long autoMax;

  @Option(names = "--prompt-timeout", paramLabel = "<duration>", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "With --accept prompt, decline (TIMEOUT) after this "
          + "(default: ${DEFAULT-VALUE}).")
  Duration promptTimeout;

  @Option(names = "--duration", paramLabel = "<duration>", converter = DurationConverter.class,
      description = "Leave after this long (default: stay until interrupted).")
  Duration duration;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PeerEvents events = message -> {
      out.println(message);
      out.flush();
    };
    PeerConfig config = parent.options.config(policy, autoMax, promptTimeout);
    try (RunningPeerSocket control = RunningPeerSocket.claim(parent.options)) {
      PeerNode node = PeerNode.start(config, events, new ConsolePrompter(System.in, out),
          parent.options.backoff());
      control.serve(node);
      return stayOnline(node, out);
    }
  }

  /** Logs in (now, or when the server is back) and stays until told to leave. */
  private int stayOnline(PeerNode node, PrintWriter out) {
    String leaving = duration == null ? "Ctrl-C to leave"
        : "leaving in " + duration.toSeconds() + " s";
    try {
      OnlineList list = node.goOnline();
      out.println(node.name() + " is online, receiving payments on port " + node.listenPort()
          + " (" + describe() + "); " + leaving);
      Screen.onlineList(out, list, node.name());
    } catch (PeerFailure e) {
      if (e.kind() != PeerFailure.Kind.SERVER_UNREACHABLE || !node.isReconnecting()) {
        node.close();
        throw e;
      }
      out.println(node.name() + ": " + e.getMessage() + "; going online when the server is "
          + "back (" + describe() + "); " + leaving);
    }
    out.flush();
    CompletableFuture<Integer> done = new CompletableFuture<>();
    node.stopped().thenAccept(reason -> done.complete(reason.kind().exitCode()));
    Thread leave = new Thread(() -> {
      node.close();
      done.complete(PeerCommand.ok());
    }, "leave");
    Runtime.getRuntime().addShutdownHook(leave);
    int exitCode = PeerCommand.ok();
    try {
      exitCode = duration == null ? done.get()
          : done.get(duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // --duration is over: leave.
    } catch (InterruptedException e) {
      // Interrupted (an embedding program stopping us): leave like at the end of --duration.
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting to leave failed", e.getCause());
    }
    if (!leave.isAlive()) {
      try {
        Runtime.getRuntime().removeShutdownHook(leave);
      } catch (IllegalStateException shuttingDown) {
        return exitCode;
      }
    }
    node.close();
    out.println(node.name() + " left");
    out.flush();
    return exitCode;
  }

  private String describe() {
    return switch (policy) {
      case AUTO -> "accepting automatically up to " + autoMax;
      case NEVER -> "declining everything";
      case PROMPT -> "asking here; answer y or n within " + promptTimeout.toSeconds() + " s";
    };
  }
}
