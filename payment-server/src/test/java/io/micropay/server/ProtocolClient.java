package io.micropay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micropay.protocol.Limits;
import io.micropay.protocol.LineReader;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.Wire;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/** A line-at-a-time protocol client for tests, over a real TLS socket. */
public final class ProtocolClient implements AutoCloseable {
  private final SSLSocket socket;
  private final OutputStream out;
  private final LineReader in;

  public ProtocolClient(SSLSocket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(TestServer.TIMEOUT_MILLIS);
    this.out = socket.getOutputStream();
    this.in = LineReader.forReplies(socket.getInputStream());
  }

  public void send(String line) throws IOException {
    out.write(Wire.encodeLine(line));
    out.flush();
  }

  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public String readLine() throws IOException {
    return in.readLine();
  }

  /** The ALPN name the handshake agreed on, empty for none. */
  public String applicationProtocol() {
    return io.micropay.pki.TlsFactory.negotiatedProtocol(socket);
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

  /**
   * Sends {@code line} and returns the one-line reply.
   *
   * @throws EOFException when the server closes the connection instead of replying, so that a
   *     test fails where the server hung up and not at its next write ("Broken pipe")
   */
  public String request(String line) throws IOException {
    send(line);
    String reply = readLine();
    if (reply == null) {
      throw new EOFException("the server closed the connection instead of replying to " + line);
    }
    return reply;
  }

  /** Sends {@code line} and asserts the reply. */
  public void expect(String line, String reply) throws IOException {
    assertEquals(reply, request(line), "reply to " + line);
  }

  public OnlineList onlineList() throws IOException {
    return OnlineList.read(in, Limits.DEFAULT_MAX_ONLINE_ENTRIES);
  }

  public OnlineList list() throws IOException {
    send("List");
    return onlineList();
  }

  /** The next line, or null when the connection ended (cleanly or not). */
  public String readLineOrNull() throws IOException {
    try {
      return in.readLine();
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      return null;
    }
  }

  /** True when the server has closed the connection (reads end of stream). */
  public boolean isClosedByServer() throws IOException {
    try {
      return in.readLine() == null;
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      return true;
    }
  }

  String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
