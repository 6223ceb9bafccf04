package io.micropay.loadgen;

import io.micropay.protocol.LineReader;
import io.micropay.protocol.Limits;
import io.micropay.protocol.OnlineList;
import io.micropay.protocol.Reply;
import io.micropay.protocol.Request;
import io.micropay.protocol.Wire;
import java.io.IOException;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/**
 * A simulated peer's session with the server: requests out, replies in, nothing clever. Lines
 * are the protocol module's own {@link Request} and {@link Reply}, so the bench speaks exactly
 * what peers speak.
 */
final class ProtocolSession implements AutoCloseable {
  private final SSLSocket socket;
  private final OutputStream out;
  private final LineReader in;

  ProtocolSession(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = LineReader.forReplies(socket.getInputStream());
  }

  void send(Request request) throws IOException {
    out.write(Wire.encodeLine(request.format()));
    out.flush();
  }

  /** Sends {@code request} and insists on {@code expected}. */
  void expect(Request request, Reply expected) throws IOException {
    send(request);
    String reply = in.readLine();
    if (reply == null) {
      throw new IOException("the server closed the session");
    }
    if (!reply.equals(expected.wire())) {
      throw new IOException("'" + request.format() + "' was answered '" + reply + "', not '"
          + expected.wire() + "'");
    }
  }

  void register(String name) throws IOException {
    expect(new Request.Register(name, 0), Reply.OK);
  }

  OnlineList login(String name, int port) throws IOException {
    send(new Request.Login(name, port));
    return OnlineList.read(in, Limits.DEFAULT_MAX_ONLINE_ENTRIES);
  }

  OnlineList list() throws IOException {
    send(new Request.ListOnline());
    return OnlineList.read(in, Limits.DEFAULT_MAX_ONLINE_ENTRIES);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
