package io.micropay.pki.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the ALPN names a TLS client offers from the first record it sends, without consuming it,
 * so that a server can refuse an unknown micropay version with the {@code
 * no_application_protocol} alert before any engine sees the connection (PROTOCOL.md section 7).
 * The JDK's engine can refuse from its ALPN selector; BoringSSL's, through Conscrypt, cannot (its
 * selector can only decline to choose), so the transport asks here first, with either engine.
 *
 * <p>Only a ClientHello that fits in its first record is read, which is every ClientHello a real
 * client sends (they are well under the 16 KiB a record holds). Anything else is left to the
 * engine: it fails what is not TLS, and a refused offer it lets through is closed right after the
 * handshake instead ({@link ApplicationProtocols.Selection}).
 */
public final class ClientHelloAlpn {
  /**
   * A fatal {@code no_application_protocol} alert in a plaintext record, as a TLS 1.3 or 1.2
   * server sends it before its ServerHello.
   */
  private static final byte[] NO_APPLICATION_PROTOCOL_ALERT = {21, 3, 3, 0, 2, 2, 120};
  private static final int RECORD_HEADER_BYTES = 5;
  private static final int HANDSHAKE_RECORD = 22;
  private static final int CLIENT_HELLO = 1;
  /** The largest plaintext record TLS allows (RFC 8446 section 5.1). */
  private static final int MAX_RECORD_BYTES = 1 << 14;
  private static final int ALPN_EXTENSION = 16;
  private static final int RANDOM_BYTES = 32;

  /** What the first bytes say. */
  public enum State {
    /** The first record has not fully arrived. */
    NEED_MORE,
    /** A ClientHello, whole in the first record; {@link Peek#offered} holds its ALPN names. */
    READ,
    /** Not a ClientHello this reader can decide on: the engine decides. */
    UNDECIDED
  }

  /**
   * @param state what the bytes say
   * @param offered the ALPN names offered, in order (empty without ALPN); empty unless READ
   */
  public record Peek(State state, List<String> offered) {
    public Peek {
      offered = List.copyOf(offered);
    }
  }

  private static final Peek NEED_MORE = new Peek(State.NEED_MORE, List.of());
  private static final Peek UNDECIDED = new Peek(State.UNDECIDED, List.of());

  private ClientHelloAlpn() {
  }

  /** The alert record to send a client whose offer is refused. */
  public static ByteBuffer noApplicationProtocolAlert() {
    return ByteBuffer.wrap(NO_APPLICATION_PROTOCOL_ALERT.clone());
  }

  /** Reads {@code received} from its position to its limit, leaving both as they were. */
  public static Peek peek(ByteBuffer received) {
    ByteBuffer input = received.slice();
    if (input.remaining() < RECORD_HEADER_BYTES) {
      return NEED_MORE;
    }
    int type = input.get() & 0xff;
    int majorVersion = input.get() & 0xff;
    input.get();
    int recordBytes = input.getShort() & 0xffff;
    if (type != HANDSHAKE_RECORD || majorVersion != 3 || recordBytes > MAX_RECORD_BYTES) {
      return UNDECIDED;
    }
    if (input.remaining() < recordBytes) {
      return NEED_MORE;
    }
    ByteBuffer record = input.slice().limit(recordBytes);
    try {
      return readClientHello(record);
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      // A length that points past its record: not a ClientHello to decide on here.
      return UNDECIDED;
    }
  }

  private static Peek readClientHello(ByteBuffer record) {
    if ((record.get() & 0xff) != CLIENT_HELLO) {
      return UNDECIDED;
    }
    int helloBytes = uint24(record);
    if (helloBytes != record.remaining()) {
      // Split over several records, or followed by more: left to the engine.
      return UNDECIDED;
    }
    skip(record, 2 + RANDOM_BYTES);
    skip(record, record.get() & 0xff);
    skip(record, record.getShort() & 0xffff);
    skip(record, record.get() & 0xff);
    if (!record.hasRemaining()) {
      return new Peek(State.READ, List.of());
    }
    ByteBuffer extensions = slice(record, record.getShort() & 0xffff);
    while (extensions.hasRemaining()) {
      int extensionType = extensions.getShort() & 0xffff;
      ByteBuffer data = slice(extensions, extensions.getShort() & 0xffff);
      if (extensionType == ALPN_EXTENSION) {
        return new Peek(State.READ, names(slice(data, data.getShort() & 0xffff)));
      }
    }
    return new Peek(State.READ, List.of());
  }

  private static List<String> names(ByteBuffer list) {
    List<String> names = new ArrayList<>();
    while (list.hasRemaining()) {
      byte[] name = new byte[list.get() & 0xff];
      list.get(name);
      // ISO-8859-1 maps each byte to one character, so no offered name is lost or merged.
      names.add(new String(name, StandardCharsets.ISO_8859_1));
    }
    return names;
  }

  private static int uint24(ByteBuffer buffer) {
    return (buffer.get() & 0xff) << 16 | (buffer.get() & 0xff) << 8 | buffer.get() & 0xff;
  }

  private static void skip(ByteBuffer buffer, int bytes) {
    buffer.position(buffer.position() + bytes);
  }

  /** The next {@code bytes} of {@code buffer} as a buffer of their own; advances past them. */
  private static ByteBuffer slice(ByteBuffer buffer, int bytes) {
    ByteBuffer part = buffer.slice().limit(bytes);
    skip(buffer, bytes);
    return part;
  }
}
