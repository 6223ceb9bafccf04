package io.micropay.server.transport;

import java.util.concurrent.CompletionStage;

/**
 * What the session layer does with one connection's input. The transport calls these on a worker
 * thread, one call at a time per connection, in the order the input arrived.
 */
public interface InboundHandler {
  /**
   * A complete line, terminator removed (may still be malformed for the protocol). Returns null
   * when the line is fully handled, or a stage that completes when it is (a transfer waiting for
   * its commit); the next line is handled only after that.
   */
  CompletionStage<?> onLine(String line);

  /** The client sent a line longer than the limit; the transport closes after the reply. */
  void onLineTooLong();

  /**
   * The client sent nothing for the idle timeout. The handler ends the connection (saying why,
   * if its protocol can); the transport closes it anyway a little later.
   */
  void onIdle(long idleTimeoutMillis);

  /** The connection is gone, for whatever reason; called exactly once, last. */
  void onClosed(String reason);
}
