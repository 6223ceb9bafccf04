package io.micropay.protocol;

/**
 * One line of the online list: an account, the address it connected from, and the port its
 * listener takes payments on.
 */
public record OnlineEntry(String name, String ip, int port) {
  public OnlineEntry {
    AccountName.requireValid(name);
    if (!IpLiterals.isValid(ip)) {
      throw new IllegalArgumentException("'" + Printable.of(ip) + "' is not an IP address");
    }
    if (!Ports.isValid(port)) {
      throw new IllegalArgumentException("port " + port + " is outside " + Limits.MIN_PORT + ".."
          + Limits.MAX_PORT);
    }
  }

  /** The line, without terminator: {@code <name>#<ip>#<port>}. */
  public String format() {
    return name + "#" + ip + "#" + port;
  }
}
