package io.micropay.peer.cli;

import io.micropay.cli.DurationConverter;
import io.micropay.peer.AcceptPolicy;
import io.micropay.peer.PeerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "shell", mixinStandardHelpOptions = true,
    description = {"The interactive shell: log in, then list, pay, see your history. Incoming "
        + "payment requests appear above the prompt; answer y or n.",
        "Type help inside for the commands."})
final class ShellCommand implements Callable<Integer> {
  @ParentCommand
  PeerCommand parent;

  @Option(names = "--prompt-timeout", paramLabel = "<duration>", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Decline a payment request nobody answered after this "
          + "(default: ${DEFAULT-VALUE}).")
  Duration promptTimeout = Duration.ofSeconds(30);

  @Override
  public Integer call() {
    return run(parent.options);
  }

  /** Runs the shell on the system terminal, serving the account's control socket. */
  int run(PeerOptions peerOptions) {
    PeerConfig config = peerOptions.config(AcceptPolicy.PROMPT,
        io.micropay.protocol.Limits.MAX_AMOUNT, promptTimeout);
    try (RunningPeerSocket control = RunningPeerSocket.claim(peerOptions);
        Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      return new Shell(terminal).run(config, peerOptions.backoff(), control::serve);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the terminal", e);
    }
  }
}
