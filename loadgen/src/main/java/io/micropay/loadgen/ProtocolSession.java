package io.micropay.loadgen;

import io.micropay.testing.ProtocolClient;
import java.io.IOException;
import javax.net.ssl.SSLSocket;

/**
 * A simulated peer's session with the server: requests out, replies in, nothing clever. It is
 * the tests' {@link ProtocolClient}, whose lines are the protocol module's own, so the bench
 * speaks exactly what peers speak; a wrong reply fails the operation with an AssertionError,
 * which the measurement counts as a failure like any other.
 */
final class ProtocolSession extends ProtocolClient {
  ProtocolSession(SSLSocket socket) throws IOException {
    super(socket);
  }
}
