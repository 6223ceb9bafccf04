package io.micropay.pki.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Blocking TLS sockets with a bounded connect and a bounded handshake: the clients' side of
 * every micropay connection, and the handshake of a socket a blocking listener accepted.
 */
public final class BlockingHandshakes {
  private BlockingHandshakes() {
  }

  /**
   * Connects to {@code host:port} within {@code connectTimeoutMillis} and layers a client TLS
   * socket with {@code parameters} over it; the handshake has not run yet.
   */
  public static SSLSocket open(SSLSocketFactory factory, String host, int port,
      int connectTimeoutMillis, SSLParameters parameters) throws IOException {
    if (connectTimeoutMillis <= 0) {
      throw new IllegalArgumentException("connectTimeoutMillis must be positive, was "
          + connectTimeoutMillis + ": an infinite connect can hang a caller forever");
    }
    Socket plain = new Socket();
    try {
      plain.connect(new InetSocketAddress(InetAddress.getByName(host), port),
          connectTimeoutMillis);
      plain.setTcpNoDelay(true);
      SSLSocket socket = (SSLSocket) factory.createSocket(plain, host, port, true);
      socket.setUseClientMode(true);
      socket.setSSLParameters(parameters);
      return socket;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  /**
   * Runs the handshake of {@code socket} within {@code timeoutMillis}: a read timeout bounds
   * each wait, and a deadline closes the socket when the whole takes longer (a peer that
   * trickles bytes would otherwise reset the read timeout forever). On failure the socket is
   * closed; a handshake that ran out of time fails with a SocketTimeoutException saying so.
   */
  public static void run(SSLSocket socket, int timeoutMillis) throws IOException {
    NativeTls.enableResumption(socket);
    int previousTimeoutMillis = socket.getSoTimeout();
    long startNanos = System.nanoTime();
    var deadline = HandshakeDeadline.arm(socket, timeoutMillis);
    try {
      socket.setSoTimeout(timeoutMillis);
      socket.startHandshake();
      socket.setSoTimeout(previousTimeoutMillis);
    } catch (IOException | RuntimeException e) {
      socket.close();
      // The deadline closes the socket, so the handshake may fail with "socket closed" before
      // the deadline's task counts as done: the clock decides what happened.
      boolean late = System.nanoTime() - startNanos >= timeoutMillis * 1_000_000L;
      if (late || (deadline.isDone() && !deadline.isCancelled())) {
        throw new SocketTimeoutException("the TLS handshake did not finish within "
            + timeoutMillis + " ms");
      }
      throw e;
    } finally {
      deadline.cancel(false);
    }
  }
}
