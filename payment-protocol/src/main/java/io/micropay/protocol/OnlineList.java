package io.micropay.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The server's reply to a login and to {@code List}:
 * <pre>
 * &lt;accountBalance&gt;CRLF
 * &lt;serverPublicKey&gt;CRLF          (SubjectPublicKeyInfo, DER, Base64 on one line)
 * &lt;number of accounts online&gt;CRLF
 * &lt;name&gt;#&lt;ip&gt;#&lt;port&gt;CRLF      (one per online account, sorted by name)
 * </pre>
 *
 * @param balanceUnits the requester's balance
 * @param serverPublicKeyBase64 the server's public key
 * @param entries the online accounts (sorted by name when encoded)
 */
public record OnlineList(long balanceUnits, String serverPublicKeyBase64,
    List<OnlineEntry> entries) {

  /** The longest public-key line accepted, in characters (an RSA-8192 key fits). */
  public static final int MAX_PUBLIC_KEY_CHARS = 2048;

  public OnlineList {
    if (balanceUnits < 0 || balanceUnits > Limits.MAX_BALANCE) {
      throw new IllegalArgumentException("balance " + balanceUnits + " is outside 0.."
          + Limits.MAX_BALANCE);
    }
    if (!isBase64(serverPublicKeyBase64)) {
      throw new IllegalArgumentException("the server public key must be Base64 on one line");
    }
    List<OnlineEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(OnlineEntry::name));
    entries = List.copyOf(sorted);
  }

  /** The reply's bytes, every line ended by CRLF. */
  public byte[] encode() {
    return encode(balanceUnits, serverPublicKeyBase64, encodeEntries(entries));
  }

  /**
   * A reply from its parts: the requester's balance and the server key, then the count and
   * entries already encoded by {@link #encodeEntries}. A server encodes the entries once per
   * change of who is online, however many peers ask.
   */
  public static byte[] encode(long balanceUnits, String serverPublicKeyBase64,
      byte[] encodedEntries) {
    byte[] head = (balanceUnits + Wire.CRLF + serverPublicKeyBase64 + Wire.CRLF)
        .getBytes(StandardCharsets.US_ASCII);
    byte[] reply = Arrays.copyOf(head, head.length + encodedEntries.length);
    System.arraycopy(encodedEntries, 0, reply, head.length, encodedEntries.length);
    return reply;
  }

  /** The count line and one line per entry, in the order given (by name on the wire). */
  public static byte[] encodeEntries(List<OnlineEntry> sortedEntries) {
    StringBuilder text = new StringBuilder(16 + sortedEntries.size() * 40);
    text.append(sortedEntries.size()).append(Wire.CRLF);
    for (OnlineEntry entry : sortedEntries) {
      text.append(entry.format()).append(Wire.CRLF);
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The entry for {@code name}, if that account is online. */
  public java.util.Optional<OnlineEntry> find(String name) {
    return entries.stream().filter(entry -> entry.name().equals(name)).findFirst();
  }

  /**
   * Reads an online list from {@code reader}.
   *
   * @throws AuthFailedException when the server answered {@code 220 AUTH_FAIL}
   * @throws ServerBusyException when the server answered {@code 240 BUSY}
   * @throws ProtocolException when the reply is anything else that is not an online list, or has
   *     more than {@code maxEntries} entries
   */
  public static OnlineList read(LineSource reader, int maxEntries) throws IOException {
    String first = require(reader.readLine(), "the balance");
    if (first.equals(Reply.AUTH_FAIL.wire())) {
      throw new AuthFailedException();
    }
    if (first.equals(Reply.BUSY.wire())) {
      throw new ServerBusyException();
    }
    long balance = DecimalField.parse(first, 16);
    if (balance < 0 || balance > Limits.MAX_BALANCE) {
      throw new ProtocolException("expected a balance, got '" + Printable.of(first) + "'");
    }
    String key = require(reader.readLine(), "the server public key");
    if (key.length() > MAX_PUBLIC_KEY_CHARS || !isBase64(key)) {
      throw new ProtocolException("expected the server public key in Base64, got '"
          + Printable.of(key) + "'");
    }
    String countLine = require(reader.readLine(), "the number of accounts online");
    long count = DecimalField.parse(countLine, 9);
    if (count < 0 || count > maxEntries) {
      throw new ProtocolException("expected an online count of 0.." + maxEntries + ", got '"
          + Printable.of(countLine) + "'");
    }
    List<OnlineEntry> entries = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      entries.add(entry(require(reader.readLine(), "online entry " + (i + 1) + " of " + count)));
    }
    return new OnlineList(balance, key, entries);
  }

  /** One entry; OnlineEntry's constructor checks each field, once. */
  private static OnlineEntry entry(String line) throws ProtocolException {
    String[] fields = line.split("#", -1);
    int port = fields.length == 3 ? Ports.parseOrInvalid(fields[2]) : -1;
    if (port >= 0) {
      try {
        return new OnlineEntry(fields[0], fields[1], port);
      } catch (IllegalArgumentException invalid) {
        // Reported below, with the whole line.
      }
    }
    throw new ProtocolException("expected <name>#<ip>#<port>, got '" + Printable.of(line)
        + "'");
  }

  private static String require(String line, String what) throws ProtocolException {
    if (line == null) {
      throw new ProtocolException("the server closed the connection before sending " + what);
    }
    return line;
  }

  private static boolean isBase64(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    try {
      Base64.getDecoder().decode(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
