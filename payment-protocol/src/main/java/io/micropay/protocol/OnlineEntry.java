package io.micropay.protocol;

import io.micropay.rules.AccountNames;

/**
 * One line of the online list: an account, the address it connected from, and the port its
 * listener takes payments on.
 */
public record OnlineEntry(String name, String ip, int port) {
  public OnlineEntry {
    AccountNames.requireValid(name);
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
