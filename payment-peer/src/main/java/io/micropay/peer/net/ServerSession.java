package io.micropay.peer.net;

import io.micropay.peer.PeerFailure.Kind;
import io.micropay.peer.PeerFailure;
import io.micropay.pki.TlsFactory;
import io.micropay.protocol.AuthFailedException;
import io.micropay.protocol.Limits;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.ProtocolException;
import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.protocol.ServerBusyException;
import io.micropay.protocol.TransferResult;
import io.micropay.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * This peer's connection to the payment server (PROTOCOL.md section 4): one request, one reply,
 * in order. Methods are synchronized because the shell and the payment path may both use it.
 * Network failures surface as {@link IOException} so the caller can reconnect; answers the server
 * gives are returned or raised as {@link PeerFailure}.
 */
public final class ServerSession implements AutoCloseable {
  private final SSLSocket socket;
  private final OutputStream out;
  private final LineReader in;
  private final String server;

  private ServerSession(SSLSocket socket, String server) throws IOException {
    this.socket = socket;
    this.server = server;
    this.out = socket.getOutputStream();
    this.in = LineReader.forReplies(socket.getInputStream());
  }

  /**
   * Connects with mutual TLS to the server at {@code host:port}, checking its certificate against
   * {@code host}.
   *
   * @throws PeerFailure (SERVER_UNREACHABLE) when it cannot, saying why
   */
  public static ServerSession connect(TlsFactory tls, String host, int port,
      Duration connectTimeout, Duration readTimeout) {
    String server = host + ":" + port;
    try {
      SSLSocket socket = tls.connectToServer(host, port, (int) connectTimeout.toMillis());
      socket.setSoTimeout((int) readTimeout.toMillis());
      return new ServerSession(socket, server);
    } catch (IOException e) {
      throw new PeerFailure(Kind.SERVER_UNREACHABLE, "cannot reach the server at " + server
          + ": " + TlsFactory.describe(e), e);
    }
  }

  /** The local address of this connection: the address the server sees this peer at. */
  public InetAddress localAddress() {
    return socket.getLocalAddress();
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

  /** {@code Exit}, then closes: best effort, since the server treats a lost connection so. */
  public synchronized void exit() {
    try {
      send(new Request.Exit());
      in.readLine();
    } catch (IOException ignored) {
      // Leaving anyway: a connection that ends without Exit counts as Exit.
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    Sockets.closeQuietly(socket);
  }

  private OnlineList readOnlineList() throws IOException {
    try {
      return OnlineList.read(in, Limits.DEFAULT_MAX_ONLINE_ENTRIES);
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
    String reply = in.readLine();
    if (reply == null) {
      throw new IOException("the server closed the connection");
    }
    if (reply.equals(Reply.BUSY.wire())) {
      throw busy();
    }
    return reply;
  }

  private void send(Request request) throws IOException {
    out.write(Wire.encodeLine(request.format()));
    out.flush();
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
