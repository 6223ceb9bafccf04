package io.micropay.peer.control;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.protocol.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running peer's end of the control socket ({@link ControlProtocol}): one thread accepts, a
 * small pool runs the commands (a payment may wait for a person to answer), and more requests
 * than that are refused with a line that says so. While it runs, no second running peer of the
 * same account can start on this machine: it finds the socket alive and says so.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
  /** Commands run at once. */
  static final int MAX_CONCURRENT_COMMANDS = 4;
  /** Commands waiting for a thread at most. */
  static final int MAX_WAITING_COMMANDS = 8;
  /** How long a client has to send its request line. */
  static final long REQUEST_TIMEOUT_MILLIS = 5_000;

  /** Runs one command for a client; prints what it would print and returns its exit code. */
  @FunctionalInterface
  public interface Handler {
    int run(List<String> words, PrintWriter out, PrintWriter err);
  }

  private final Path path;
  private final ServerSocketChannel channel;
  private final Handler handler;
  private final ThreadPoolExecutor pool;
  private final Thread acceptor;

  private ControlServer(Path path, ServerSocketChannel channel, Handler handler) {
    this.path = path;
    this.channel = channel;
    this.handler = handler;
    this.pool = new ThreadPoolExecutor(MAX_CONCURRENT_COMMANDS, MAX_CONCURRENT_COMMANDS, 30,
        TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING_COMMANDS), runnable -> {
          Thread thread = new Thread(runnable, "control");
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    this.acceptor = new Thread(this::acceptLoop, "control-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Binds the control socket at {@code path} (its folder made with mode 0700, the socket 0600).
   *
   * @throws PeerFailure when another running peer answers there, or the socket cannot be made
   */
  public static ControlServer start(Path path, String account, Handler handler) {
    if (!ControlProtocol.fits(path)) {
      throw new PeerFailure(Kind.GENERAL, "the control socket " + path + " is a longer path "
          + "than a Unix socket takes (" + ControlProtocol.MAX_SOCKET_PATH_BYTES + " bytes); "
          + "give a shorter --control-dir");
    }
    try {
      Path folder = path.toAbsolutePath().getParent();
      Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      removeStale(path, account);
      ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        channel.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      ControlServer server = new ControlServer(path, channel, handler);
      server.acceptor.start();
      return server;
    } catch (IOException e) {
      throw new PeerFailure(Kind.GENERAL, "cannot open the control socket " + path + ": "
          + e.getMessage(), e);
    }
  }

  /** Where the socket is. */
  public Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing the control socket failed: {}", e.getMessage());
    }
    pool.shutdownNow();
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("cannot remove the control socket {}: {}", path, e.getMessage());
    }
  }

  /** A socket file nobody answers on is left from a peer that died; one that answers is live. */
  private static void removeStale(Path path, String account) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      throw new PeerFailure(Kind.GENERAL, account + " is running already on this machine "
          + "(control socket " + path + "); use the one-shot commands, which go through it, or "
          + "stop it first");
    } catch (ConnectException stale) {
      Files.delete(path);
    }
  }

  private void acceptLoop() {
    while (channel.isOpen()) {
      SocketChannel client;
      try {
        client = channel.accept();
      } catch (AsynchronousCloseException closed) {
        return;
      } catch (IOException e) {
        LOG.warn("accepting a control connection failed: {}", e.getMessage());
        pause();
        continue;
      }
      try {
        pool.execute(() -> serve(client));
      } catch (RejectedExecutionException e) {
        refuse(client, "the running peer is busy with " + MAX_CONCURRENT_COMMANDS
            + " commands; try again");
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client; InputStream in = Channels.newInputStream(client);
        OutputStream out = Channels.newOutputStream(client)) {
      if (!sameUser(client)) {
        LOG.warn("refused a control connection from another user");
        return;
      }
      String line = readRequest(client, in);
      List<String> words = line == null || line.isBlank() ? List.of()
          : List.of(line.strip().split(" "));
      StringWriter stdout = new StringWriter();
      StringWriter stderr = new StringWriter();
      int exitCode;
      try (PrintWriter outWriter = new PrintWriter(stdout);
          PrintWriter errWriter = new PrintWriter(stderr)) {
        exitCode = handler.run(words, outWriter, errWriter);
      }
      out.write(answer(stdout.toString(), stderr.toString(), exitCode));
      out.flush();
    } catch (IOException e) {
      LOG.debug("a control connection failed: {}", e.getMessage());
    }
  }

  /** The request line, read under a deadline that closes the connection when it passes. */
  private static String readRequest(SocketChannel client, InputStream in) throws IOException {
    ScheduledFuture<?> deadline = io.micropay.pki.tls.HandshakeDeadline.arm(client,
        (int) REQUEST_TIMEOUT_MILLIS);
    try {
      return new LineReader(in, ControlProtocol.MAX_REQUEST_BYTES).readLine();
    } finally {
      deadline.cancel(false);
    }
  }

  static byte[] answer(String stdout, String stderr, int exitCode) {
    StringBuilder answer = new StringBuilder();
    stdout.lines().forEach(line -> answer.append(ControlProtocol.OUT).append(line).append('\n'));
    stderr.lines().forEach(line -> answer.append(ControlProtocol.ERR).append(line).append('\n'));
    answer.append(ControlProtocol.EXIT).append(exitCode).append('\n');
    return answer.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Whether the client runs as this process's user, where the system can tell. */
  private static boolean sameUser(SocketChannel client) {
    try {
      UnixDomainPrincipal principal = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
      return principal.user().getName().equals(System.getProperty("user.name"));
    } catch (IOException | UnsupportedOperationException e) {
      // The socket's mode already keeps other users out.
      return true;
    }
  }

  private static void refuse(SocketChannel client, String why) {
    try (client) {
      client.write(java.nio.ByteBuffer.wrap(answer("", "payment-peer: " + why, 1)));
    } catch (IOException e) {
      LOG.debug("could not refuse a control connection: {}", e.getMessage());
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
