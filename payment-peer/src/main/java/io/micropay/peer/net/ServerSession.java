package io.micropay.peer.net;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.peer.ServerAddress;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.AuthFailedException;
import io.micropay.protocol.Limits;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.ProtocolException;
import io.micropay.protocol.ProtocolVersion;
import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.protocol.ServerBusyException;
import io.micropay.protocol.ServerLimits;
import io.micropay.protocol.TransferLookup;
import io.micropay.protocol.TransferResult;
import io.micropay.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

/**
 * This peer's connection to the payment server (PROTOCOL.md section 4): one request, one reply,
 * in order. A reader thread of its own reads everything the server sends, so that the session
 * notices at once when the server closes it, and learns why when the server says (version 2's
 * {@code CLOSING} line); whoever waits for a reply then gets an {@link IOException} that says so,
 * and the end goes to the listener given at connect, once. Methods are synchronized because the
 * shell, the payment path and the keep-alive may all use it. Answers the server gives are
 * returned or raised as {@link PeerFailure}.
 */
public final class ServerSession implements AutoCloseable {
  private final SSLSocket socket;
  private final OutputStream out;
  private final ServerAddress server;
  private final ProtocolVersion version;
  private final ReplyReader replies;

  private ServerSession(SSLSocket socket, ServerAddress server, TlsFactory tls,
      Duration replyTimeout, Consumer<SessionEnd> onEnd) throws IOException {
    this.socket = socket;
    this.server = server;
    this.version = ProtocolVersion.negotiated(TlsFactory.negotiatedProtocol(socket));
    this.out = socket.getOutputStream();
    this.replies = ReplyReader.start(socket, version, replyTimeout, tls::explain, onEnd);
  }

  /**
   * Connects with mutual TLS to {@code server}, checking its certificate against the host, and
   * starts reading. {@code onEnd} hears, once, how the session ended.
   *
   * @throws PeerFailure (SERVER_UNREACHABLE) when it cannot, saying why
   */
  public static ServerSession connect(TlsFactory tls, ServerAddress server,
      Duration connectTimeout, Duration replyTimeout, Consumer<SessionEnd> onEnd) {
    try {
      SSLSocket socket = tls.connectToServer(server.host(), server.port(),
          (int) connectTimeout.toMillis());
      try {
        return new ServerSession(socket, server, tls, replyTimeout, onEnd);
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
    } catch (IOException e) {
      throw new PeerFailure(Kind.SERVER_UNREACHABLE, "cannot reach the server at " + server
          + ": " + tls.explain(e), e);
    }
  }

  /** The server this session is with. */
  public ServerAddress server() {
    return server;
  }

  /** The protocol version the TLS handshake agreed on. */
  public ProtocolVersion version() {
    return version;
  }

  /** The local address of this connection: the address the server sees this peer at. */
  public InetAddress localAddress() {
    return socket.getLocalAddress();
  }

  /**
   * Whether the session has ended (the server closed it, or this peer did). A closed socket
   * counts before its reader has noticed: BoringSSL's socket closes itself on a failed read, and
   * a failed write closes it here, so that a request retried meanwhile waits for the reconnect
   * rather than failing on it at once.
   */
  public boolean isEnded() {
    return replies.isEnded() || socket.isClosed();
  }

  /** How the session ended, in words; only once {@link #isEnded()}. */
  public String endReason() {
    return replies.endReason();
  }

  /** {@code REGISTER#<name>}: true for 100 OK, false for 210 FAIL. */
  public synchronized boolean register(String name) throws IOException {
    String reply = request(new Request.Register(name, 0));
    return expectOneOf(reply, Reply.OK, Reply.FAIL) == Reply.OK;
  }

  /** {@code DEPOSIT#<name>#<amount>}: true for DEPOSIT OK. */
  public synchronized boolean deposit(String name, long amountUnits) throws IOException {
    String reply = request(new Request.Deposit(name, amountUnits));
    return expectOneOf(reply, Reply.DEPOSIT_OK, Reply.DEPOSIT_FAIL) == Reply.DEPOSIT_OK;
  }

  /**
   * Logs in, listening on {@code port}; returns the online list.
   *
   * @throws AuthFailedException when the server answers 220 AUTH_FAIL
   */
  public synchronized OnlineList login(String name, int port) throws IOException {
    send(new Request.Login(name, port));
    return readOnlineList();
  }

  /** The online list; AuthFailedException when not logged in. */
  public synchronized OnlineList list() throws IOException {
    send(new Request.ListOnline());
    return readOnlineList();
  }

  /** Reports a transfer the payee accepted; returns the server's verdict. */
  public synchronized TransferResult report(Request.TransferReport report) throws IOException {
    String reply = request(report);
    try {
      return TransferResult.parse(reply);
    } catch (ProtocolException e) {
      throw unexpected(reply, e.getMessage());
    }
  }

  /** Version 2: {@code PING}, the keep-alive. */
  public synchronized void ping() throws IOException {
    requireVersion2("PING");
    expectOneOf(request(new Request.Ping()), Reply.PONG);
  }

  /** Version 2: the server's idle timeout and deposit limit. */
  public synchronized ServerLimits limits() throws IOException {
    requireVersion2("LIMITS");
    String reply = request(new Request.AskLimits());
    try {
      return ServerLimits.parse(reply);
    } catch (ProtocolException e) {
      throw unexpected(reply, e.getMessage());
    }
  }

  /** Version 2: whether {@code payer}'s transfer {@code transferId} settled. */
  public synchronized TransferLookup lookup(String payer, String transferId) throws IOException {
    requireVersion2("LOOKUP");
    String reply = request(new Request.Lookup(payer, transferId));
    try {
      return TransferLookup.parse(reply);
    } catch (ProtocolException e) {
      throw unexpected(reply, e.getMessage());
    }
  }

  /** Version 2: a page of this account's statement. */
  public synchronized io.micropay.protocol.StatementPage statement(Request.Statement request)
      throws IOException {
    requireVersion2("STATEMENT");
    send(request);
    try {
      return io.micropay.protocol.StatementPage.read(this::replyLine);
    } catch (SessionEndedException e) {
      throw e;
    } catch (ProtocolException e) {
      throw new PeerFailure(Kind.GENERAL, "the server sent a malformed statement: "
          + e.getMessage(), e);
    }
  }

  /** Version 2: the signed receipt of {@code payer}'s transfer {@code transferId}. */
  public synchronized io.micropay.protocol.ReceiptReply receipt(String payer, String transferId)
      throws IOException {
    requireVersion2("RECEIPT");
    Request.AskReceipt request = new Request.AskReceipt(payer, transferId);
    send(request);
    try {
      return io.micropay.protocol.ReceiptReply.read(this::replyLine, request);
    } catch (SessionEndedException e) {
      throw e;
    } catch (ProtocolException e) {
      throw new PeerFailure(Kind.GENERAL, "the server sent a malformed receipt: "
          + e.getMessage(), e);
    }
  }

  private String replyLine() throws IOException {
    String line = replies.readLine();
    if (line == null) {
      throw new SessionEndedException(replies.endDescription());
    }
    return line;
  }

  /** {@code Exit}, then closes: best effort, since the server treats a lost connection so. */
  public synchronized void exit() {
    replies.closingHere();
    try {
      send(new Request.Exit());
      replies.readLine();
    } catch (IOException ignored) {
      // Leaving anyway: a connection that ends without Exit counts as Exit.
    } finally {
      close();
    }
  }

  /** From now on the end of this session is this peer's own doing, whoever ends it. */
  public void retire() {
    replies.closingHere();
  }

  /** Closes the connection; the end is reported as this peer's own doing. */
  @Override
  public void close() {
    replies.closingHere();
    Sockets.closeQuietly(socket);
  }

  private void requireVersion2(String what) {
    if (!version.atLeast(ProtocolVersion.V2)) {
      throw new IllegalStateException(what + " needs protocol version 2; the session with "
          + server + " speaks " + version);
    }
  }

  private OnlineList readOnlineList() throws IOException {
    try {
      return OnlineList.read(replies, Limits.DEFAULT_MAX_ONLINE_ENTRIES);
    } catch (AuthFailedException e) {
      throw e;
    } catch (ServerBusyException e) {
      throw busy();
    } catch (ProtocolException e) {
      throw new PeerFailure(Kind.GENERAL, "the server sent a malformed online list: "
          + e.getMessage(), e);
    }
  }

  private String request(Request request) throws IOException {
    send(request);
    String reply = replies.readLine();
    if (reply == null) {
      throw new SessionEndedException(replies.endDescription());
    }
    if (reply.equals(Reply.BUSY.wire())) {
      throw busy();
    }
    return reply;
  }

  private void send(Request request) throws IOException {
    if (isEnded()) {
      throw new SessionEndedException(replies.endDescription());
    }
    try {
      // A memo goes only to a server that speaks version 2; version 1 would refuse the line.
      out.write(Wire.encodeLine(request instanceof Request.TransferReport report
          ? report.format(version) : request.format()));
      out.flush();
    } catch (IOException e) {
      // The connection is broken: closed here too, the session counts as ended at once, so a
      // caller retrying waits for the reconnect instead of failing on this socket again.
      // BoringSSL's socket may be shut under its wrapper, which still says it is open.
      Sockets.closeQuietly(socket);
      throw e;
    }
  }

  private PeerFailure busy() {
    close();
    return new PeerFailure(Kind.SERVER_UNREACHABLE, "the server at " + server
        + " is busy (at its session limit); try again later");
  }

  private static Reply expectOneOf(String reply, Reply... expected) {
    for (Reply candidate : expected) {
      if (candidate.wire().equals(reply)) {
        return candidate;
      }
    }
    throw unexpected(reply, "expected " + java.util.Arrays.stream(expected).map(Reply::wire)
        .toList());
  }

  private static PeerFailure unexpected(String reply, String expectation) {
    return new PeerFailure(Kind.GENERAL, "the server answered '"
        + io.micropay.protocol.Printable.of(reply) + "' (" + expectation + ")");
  }
}
