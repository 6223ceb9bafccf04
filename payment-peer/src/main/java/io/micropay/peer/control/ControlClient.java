package io.micropay.peer.control;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.pki.tls.HandshakeDeadline;
import io.micropay.protocol.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledFuture;

/**
 * The one-shot commands' end of the control socket: when a running peer of the account answers
 * there, the command runs in it, and what it prints and its exit code are this command's.
 */
public final class ControlClient {
  private ControlClient() {
  }

  /**
   * Runs {@code words} in the running peer at {@code socket}, if one runs there: prints its
   * output and returns its exit code; empty when no running peer answers (run it here then).
   *
   * @param timeout how long the command may take at most (a payment waits for its payee)
   * @throws PeerFailure when the running peer answered but the answer broke off
   */
  public static OptionalInt run(Path socket, List<String> words, PrintWriter out,
      PrintWriter err, Duration timeout) {
    if (!Files.exists(socket) || !ControlProtocol.fits(socket)) {
      return OptionalInt.empty();
    }
    SocketChannel channel;
    try {
      channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException stale) {
      // A socket file left by a peer that died (connection refused): nobody to ask.
      return OptionalInt.empty();
    }
    ScheduledFuture<?> deadline = HandshakeDeadline.arm(channel, (int) Math.min(
        Integer.MAX_VALUE, timeout.toMillis()));
    try (channel) {
      String request = String.join(" ", words) + "\n";
      channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      return OptionalInt.of(copyAnswer(Channels.newInputStream(channel), out, err));
    } catch (IOException e) {
      throw new PeerFailure(Kind.GENERAL, "the running peer at " + socket + " did not finish "
          + "the command (" + e.getMessage() + "); check with list", e);
    } finally {
      deadline.cancel(false);
    }
  }

  private static int copyAnswer(InputStream in, PrintWriter out, PrintWriter err)
      throws IOException {
    LineReader lines = new LineReader(in, ControlProtocol.MAX_ANSWER_LINE_BYTES);
    for (int count = 0; count < ControlProtocol.MAX_ANSWER_LINES; count++) {
      String line = lines.readLine();
      if (line == null) {
        throw new IOException("the answer ended before its exit code");
      }
      if (line.startsWith(ControlProtocol.OUT)) {
        out.println(line.substring(ControlProtocol.OUT.length()));
      } else if (line.startsWith(ControlProtocol.ERR)) {
        err.println(line.substring(ControlProtocol.ERR.length()));
      } else if (line.startsWith(ControlProtocol.EXIT)) {
        out.flush();
        err.flush();
        String code = line.substring(ControlProtocol.EXIT.length());
        if (!code.matches("\\d{1,3}")) {
          throw new IOException("an exit code that is not a number");
        }
        return Integer.parseInt(code);
      } else {
        throw new IOException("an answer line that is none of OUT, ERR, EXIT");
      }
    }
    throw new IOException("the answer has more than " + ControlProtocol.MAX_ANSWER_LINES
        + " lines");
  }
}
