package io.micropay.server.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link RecordChannel} on a non-blocking socket and its key in an I/O loop's selector. */
final class SocketRecordChannel implements RecordChannel {
  private static final Logger LOG = LoggerFactory.getLogger(SocketRecordChannel.class);

  private final SocketChannel channel;
  private final InetSocketAddress remote;
  private SelectionKey key;

  SocketRecordChannel(SocketChannel channel) {
    this.channel = channel;
    this.remote = remoteOf(channel);
  }

  /** The key the loop registered the socket under; interest is kept there. */
  void register(SelectionKey selectionKey) {
    this.key = selectionKey;
  }

  SocketChannel socket() {
    return channel;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    return channel.read(into);
  }

  @Override
  public int write(ByteBuffer from) throws IOException {
    return channel.write(from);
  }

  @Override
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  public void close() {
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing a connection to {} failed: {}", remote, e.getMessage());
    }
  }

  @Override
  public void interest(boolean read, boolean write) {
    if (key == null || !key.isValid()) {
      return;
    }
    int ops = (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remote;
  }

  private static InetSocketAddress remoteOf(SocketChannel channel) {
    try {
      return (InetSocketAddress) channel.getRemoteAddress();
    } catch (IOException e) {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
  }
}
