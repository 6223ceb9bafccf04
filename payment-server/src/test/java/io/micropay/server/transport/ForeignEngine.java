package io.micropay.server.transport;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * The JDK's engine made to behave as a native one (BoringSSL through Netty, Conscrypt) does where
 * the transport must not assume the JDK's ways: it never hands out a delegated task (it runs the
 * certificate checks inside wrap and unwrap), it decrypts every whole record it was given in one
 * call, and it reports the end of the handshake as NOT_HANDSHAKING, never FINISHED.
 */
final class ForeignEngine extends SSLEngine {
  private final SSLEngine jdk;

  ForeignEngine(SSLEngine jdk) {
    this.jdk = jdk;
  }

  /** The JDK engine inside, for releasing it. */
  SSLEngine jdk() {
    return jdk;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer target)
      throws SSLException {
    return foreign(jdk.wrap(sources, offset, length, target));
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] targets, int offset, int length)
      throws SSLException {
    int consumed = 0;
    int produced = 0;
    SSLEngineResult result;
    do {
      result = jdk.unwrap(source, targets, offset, length);
      runTasks();
      consumed += result.bytesConsumed();
      produced += result.bytesProduced();
    } while (result.getStatus() == SSLEngineResult.Status.OK && source.hasRemaining()
        && result.bytesConsumed() > 0 && jdk.getHandshakeStatus() != HandshakeStatus.NEED_WRAP);
    SSLEngineResult.Status status = result.getStatus();
    if (produced > 0 && status != SSLEngineResult.Status.CLOSED) {
      // What came out of the records before counts; the one that did not fit waits.
      status = SSLEngineResult.Status.OK;
    }
    return new SSLEngineResult(status, handshakeStatus(result.getHandshakeStatus()), consumed,
        produced);
  }

  private SSLEngineResult foreign(SSLEngineResult result) {
    runTasks();
    return new SSLEngineResult(result.getStatus(), handshakeStatus(result.getHandshakeStatus()),
        result.bytesConsumed(), result.bytesProduced());
  }

  private HandshakeStatus handshakeStatus(HandshakeStatus reported) {
    if (reported == HandshakeStatus.FINISHED) {
      return HandshakeStatus.NOT_HANDSHAKING;
    }
    return getHandshakeStatus();
  }

  private void runTasks() {
    for (Runnable task = jdk.getDelegatedTask(); task != null; task = jdk.getDelegatedTask()) {
      task.run();
    }
  }

  @Override
  public Runnable getDelegatedTask() {
    return null;
  }

  @Override
  public HandshakeStatus getHandshakeStatus() {
    runTasks();
    return jdk.getHandshakeStatus();
  }

  @Override
  public void closeInbound() throws SSLException {
    jdk.closeInbound();
  }

  @Override
  public boolean isInboundDone() {
    return jdk.isInboundDone();
  }

  @Override
  public void closeOutbound() {
    jdk.closeOutbound();
  }

  @Override
  public boolean isOutboundDone() {
    return jdk.isOutboundDone();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return jdk.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return jdk.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    jdk.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return jdk.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return jdk.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    jdk.setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return jdk.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return jdk.getHandshakeSession();
  }

  @Override
  public void beginHandshake() throws SSLException {
    jdk.beginHandshake();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    jdk.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return jdk.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    jdk.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return jdk.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    jdk.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return jdk.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    jdk.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return jdk.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return jdk.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters parameters) {
    jdk.setSSLParameters(parameters);
  }

  @Override
  public String getApplicationProtocol() {
    return jdk.getApplicationProtocol();
  }
}
