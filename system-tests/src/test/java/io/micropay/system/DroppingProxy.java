package io.micropay.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between a peer and the server that can lose a reply: once armed, it forwards the
 * next chunk the client sends to the server and then cuts both connections, so the server acts
 * on the request while the client never hears back. TLS passes through untouched.
 */
final class DroppingProxy implements AutoCloseable {
  private static final int CHUNK_BYTES = 16 * 1024;

  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicInteger connections = new AtomicInteger();

  DroppingProxy(int targetPort) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    Thread acceptor = new Thread(this::accept, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The next chunk from a client reaches the server; its reply never comes back. */
  void arm() {
    armed.set(true);
  }

  /** Connections relayed so far. */
  int connections() {
    return connections.get();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        connections.incrementAndGet();
        start(() -> pump(client, server, true));
        start(() -> pump(server, client, false));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean clientToServer) {
    byte[] chunk = new byte[CHUNK_BYTES];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int count = in.read(chunk); count >= 0; count = in.read(chunk)) {
        out.write(chunk, 0, count);
        out.flush();
        if (clientToServer && armed.compareAndSet(true, false)) {
          // The request went out. Hang up on the client now, so no reply can reach it, and
          // only half-close towards the server, so it reads the request before it sees the end
          // (a full close could reset the connection and discard the unread request).
          closeQuietly(from);
          to.shutdownOutput();
          return;
        }
      }
      closeQuietly(to);
    } catch (IOException e) {
      closeQuietly(to);
    } finally {
      closeQuietly(from);
    }
  }

  private static void start(Runnable pump) {
    Thread thread = new Thread(pump, "proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already gone.
    }
  }
}
