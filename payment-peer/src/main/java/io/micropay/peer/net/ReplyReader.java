package io.micropay.peer.net;

import io.micropay.protocol.LineReader;
import io.micropay.protocol.LineSource;
import io.micropay.protocol.ProtocolException;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.protocol.Reply;
import io.micropay.protocol.SessionClosing;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader thread of a {@link ServerSession}: it reads every line the server sends and hands
 * replies to whoever waits for one, in order. A version-2 {@code CLOSING} line is kept as the
 * reason of the end instead. When the connection ends it wakes the waiting caller and tells the
 * session's listener, once. A reply that does not come in time closes the session: a late reply
 * would otherwise be taken for the answer to the next request.
 */
final class ReplyReader implements LineSource {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyReader.class);
  /**
   * Lines read ahead at most before the reader waits for the caller: enough for a long online
   * list to stream while it is parsed, and a bound on what a server can make this peer hold.
   */
  static final int MAX_QUEUED_LINES = 4096;
  /** Marks the end of the connection in the queue; compared by identity, so a new instance. */
  private static final String END = new String("end of session");

  private final SSLSocket socket;
  private final ProtocolVersion version;
  private final Duration replyTimeout;
  private final Consumer<SessionEnd> onEnd;
  private final Function<Throwable, String> describer;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(MAX_QUEUED_LINES);
  private final Thread thread;
  private volatile boolean closedHere;
  private volatile boolean busy;
  private volatile SessionClosing notice;
  private volatile SessionEnd end;

  private ReplyReader(SSLSocket socket, ProtocolVersion version, Duration replyTimeout,
      Function<Throwable, String> describer, Consumer<SessionEnd> onEnd) {
    this.socket = socket;
    this.version = version;
    this.replyTimeout = replyTimeout;
    this.onEnd = onEnd;
    this.describer = describer;
    this.thread = new Thread(this::readLoop, "server-reader");
    thread.setDaemon(true);
  }

  static ReplyReader start(SSLSocket socket, ProtocolVersion version, Duration replyTimeout,
      Function<Throwable, String> describer, Consumer<SessionEnd> onEnd) throws IOException {
    // The reader waits for the server however long it is quiet; replies are timed by the caller.
    socket.setSoTimeout(0);
    ReplyReader reader = new ReplyReader(socket, version, replyTimeout, describer, onEnd);
    reader.thread.start();
    return reader;
  }

  /** This peer is closing the session: its end is not news. */
  void closingHere() {
    closedHere = true;
  }

  boolean isEnded() {
    return end != null;
  }

  /** How the session ended, in words. */
  String endReason() {
    SessionEnd ended = end;
    return ended == null ? "it has not ended" : ended.describe();
  }

  /** Why the session ended, in words, for the error of a request it cut short. */
  String endDescription() {
    SessionEnd ended = end;
    return ended == null ? "the session with the server ended"
        : "the server ended the session: " + ended.describe();
  }

  /**
   * The next reply line, or null when the session ended.
   *
   * @throws SocketTimeoutException when none came within the reply timeout (the session is then
   *     closed)
   */
  @Override
  public String readLine() throws IOException {
    String line;
    try {
      line = lines.poll(replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the server", e);
    }
    if (line == null) {
      Sockets.closeQuietly(socket);
      throw new SocketTimeoutException("the server did not answer within "
          + replyTimeout.toSeconds() + " s");
    }
    if (line == END) {
      lines.offer(END);
      return null;
    }
    return line;
  }

  private void readLoop() {
    String cause = "the server closed the connection";
    try {
      LineReader in = LineReader.forReplies(socket.getInputStream());
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!take(line)) {
          queue(line);
        }
      }
    } catch (IOException e) {
      cause = closedHere ? "closed by this peer" : describer.apply(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cause = "interrupted";
    } finally {
      finish(cause);
    }
  }

  /** Queues a reply, waiting while the queue is full unless the session is closed meanwhile. */
  private void queue(String line) throws IOException, InterruptedException {
    while (!lines.offer(line, 1, TimeUnit.SECONDS)) {
      if (socket.isClosed()) {
        throw new IOException("closed while nobody read the server's replies");
      }
    }
  }

  /** Keeps what is not a reply; true when {@code line} was such a line. */
  private boolean take(String line) {
    if (line.equals(Reply.BUSY.wire())) {
      busy = true;
      return false;
    }
    if (!version.atLeast(ProtocolVersion.V2) || !SessionClosing.isNotice(line)) {
      return false;
    }
    try {
      notice = SessionClosing.parse(line);
    } catch (ProtocolException e) {
      LOG.warn("the server's closing notice is not one this peer knows: {}", e.getMessage());
    }
    return true;
  }

  private void finish(String cause) {
    Sockets.closeQuietly(socket);
    SessionEnd ended = new SessionEnd(Optional.ofNullable(notice), busy, closedHere, cause);
    end = ended;
    if (!lines.offer(END)) {
      // Nobody is reading what is queued: the session is over, and the caller must hear it.
      lines.clear();
      lines.offer(END);
    }
    try {
      onEnd.accept(ended);
    } catch (RuntimeException e) {
      LOG.error("handling the end of the server session failed", e);
    }
  }
}
