package io.micropay.peer.cli;

import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerEvents;
import io.micropay.peer.PeerNode;
import io.micropay.pki.cli.DurationConverter;
import io.micropay.protocol.OnlineList;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    ConsolePrompter prompter = new ConsolePrompter(System.in, out);
    PeerNode node = PeerNode.connect(parent.options.config(policy, autoMax, promptTimeout),
        events, prompter);
    OnlineList list;
    try {
      list = node.goOnline();
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    out.println(node.name() + " is online, receiving payments on port " + node.listenPort()
        + " (" + describe() + "); " + (duration == null ? "Ctrl-C to leave"
            : "leaving in " + duration.toSeconds() + " s"));
    Screen.onlineList(out, list, node.name());
    CountDownLatch left = new CountDownLatch(1);
    Thread leave = new Thread(() -> {
      node.close();
      left.countDown();
    }, "leave");
    Runtime.getRuntime().addShutdownHook(leave);
    try {
      boolean signalled = duration == null ? awaitForever(left)
          : left.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      if (signalled) {
        return PeerCommand.ok();
      }
    } catch (InterruptedException e) {
      // Interrupted (an embedding program stopping us): leave like at the end of --duration.
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().removeShutdownHook(leave);
    node.close();
    out.println(node.name() + " left");
    out.flush();
    return PeerCommand.ok();
  }

  private static boolean awaitForever(CountDownLatch latch) throws InterruptedException {
    latch.await();
    return true;
  }

  private String describe() {
    return switch (policy) {
      case AUTO -> "accepting automatically up to " + autoMax;
      case NEVER -> "declining everything";
      case PROMPT -> "asking here; answer y or n within " + promptTimeout.toSeconds() + " s";
    };
  }
}
