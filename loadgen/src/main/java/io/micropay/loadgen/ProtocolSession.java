package io.micropay.loadgen;

import io.micropay.protocol.LineReader;
import io.micropay.protocol.Limits;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/** A simulated peer's session with the server: requests out, replies in, nothing clever. */
final class ProtocolSession implements AutoCloseable {
  private final SSLSocket socket;
  private final OutputStream out;
  private final LineReader in;

  ProtocolSession(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = LineReader.forReplies(socket.getInputStream());
  }

  void send(String line) throws IOException {
    out.write(Wire.encodeLine(line));
    out.flush();
  }

  String request(String line) throws IOException {
    send(line);
    String reply = in.readLine();
    if (reply == null) {
      throw new IOException("the server closed the session");
    }
    return reply;
  }

  /** Sends {@code line} and insists on {@code expected}. */
  void expect(String line, String expected) throws IOException {
    String reply = request(line);
    if (!reply.equals(expected)) {
      throw new IOException("'" + line + "' was answered '" + reply + "', not '" + expected
          + "'");
    }
  }

  OnlineList login(String name, int port) throws IOException {
    send(name + "#" + port);
    return OnlineList.read(in, Limits.DEFAULT_MAX_ONLINE_ENTRIES);
  }

  OnlineList list() throws IOException {
    send("List");
    return OnlineList.read(in, Limits.DEFAULT_MAX_ONLINE_ENTRIES);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
