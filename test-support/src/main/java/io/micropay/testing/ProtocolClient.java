package io.micropay.testing;

import io.micropay.protocol.Limits;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.protocol.Wire;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * A line-at-a-time protocol client over a real TLS socket, the one the tests and the load
 * generator's simulated peers use: lines out through the protocol's {@link Wire}, replies in
 * through its {@link LineReader}, nothing clever (the peer's own session client is the product's
 * {@code ServerSession}). It speaks to the server and, with the same lines, to a peer's listener.
 */
public class ProtocolClient implements AutoCloseable {
  /** The read timeout a socket without one gets, so that no test can wait for ever. */
  public static final int DEFAULT_READ_TIMEOUT_MILLIS = 5_000;

  private final SSLSocket socket;
  private final OutputStream out;
  private final LineReader in;

  /**
   * A client on {@code socket}. A socket with no read timeout gets
   * {@value #DEFAULT_READ_TIMEOUT_MILLIS} ms; one the caller set stays.
   */
  public ProtocolClient(SSLSocket socket) throws IOException {
    this.socket = socket;
    if (socket.getSoTimeout() == 0) {
      socket.setSoTimeout(DEFAULT_READ_TIMEOUT_MILLIS);
    }
    this.out = socket.getOutputStream();
    this.in = LineReader.forReplies(socket.getInputStream());
  }

  /** Sends {@code line} and its CRLF. */
  public void send(String line) throws IOException {
    sendRaw(Wire.encodeLine(line));
  }

  /** Sends {@code request} as the protocol formats it. */
  public void send(Request request) throws IOException {
    send(request.format());
  }

  /** Sends {@code bytes} as they are, for lines no well-behaved client would send. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next line, or null at the end of the stream. */
  public String readLine() throws IOException {
    return in.readLine();
  }

  /** Waits for the next line up to {@code timeoutMillis}, for a line the server sends unasked. */
  public String readLine(int timeoutMillis) throws IOException {
    int previous = socket.getSoTimeout();
    socket.setSoTimeout(timeoutMillis);
    try {
      return in.readLine();
    } finally {
      socket.setSoTimeout(previous);
    }
  }

  /** The next line, or null when the connection ended (cleanly or not). */
  public String readLineOrNull() throws IOException {
    try {
      return in.readLine();
    } catch (SSLException | SocketException e) {
      return null;
    }
  }

  /** True when the other side has closed the connection (reads end of stream). */
  public boolean isClosedByServer() throws IOException {
    return readLineOrNull() == null;
  }

  /**
   * Sends {@code line} and returns the one-line reply.
   *
   * @throws EOFException when the other side closes the connection instead of replying, so that
   *     a test fails where it hung up and not at its next write ("Broken pipe")
   */
  public String request(String line) throws IOException {
    send(line);
    String reply = readLine();
    if (reply == null) {
      throw new EOFException("the connection was closed instead of a reply to " + line);
    }
    return reply;
  }

  /**
   * Sends {@code line} and insists on {@code reply}.
   *
   * @throws AssertionError when the reply is another, saying both
   */
  public void expect(String line, String reply) throws IOException {
    String actual = request(line);
    if (!actual.equals(reply)) {
      throw new AssertionError("'" + line + "' was answered '" + actual + "', not '" + reply
          + "'");
    }
  }

  /** Sends {@code request} and insists on {@code reply}. */
  public void expect(Request request, Reply reply) throws IOException {
    expect(request.format(), reply.wire());
  }

  /** {@code REGISTER#<name>}, which must be answered 100 OK. */
  public void register(String name) throws IOException {
    expect(new Request.Register(name, 0), Reply.OK);
  }

  /** Logs in as {@code name} listening on {@code port}; returns the online list. */
  public OnlineList login(String name, int port) throws IOException {
    send(new Request.Login(name, port));
    return onlineList();
  }

  /** {@code List}, and the online list it is answered with. */
  public OnlineList list() throws IOException {
    send(new Request.ListOnline());
    return onlineList();
  }

  /** Reads an online list (the reply to a login or to {@code List}). */
  public OnlineList onlineList() throws IOException {
    return OnlineList.read(in, Limits.DEFAULT_MAX_ONLINE_ENTRIES);
  }

  /** The ALPN name the handshake agreed on, empty for none. */
  public String applicationProtocol() {
    return Objects.requireNonNullElse(socket.getApplicationProtocol(), "");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
