package io.micropay.peer;

import io.micropay.protocol.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a payment server listens: a host, checked against the server's certificate, and a port.
 * {@link #parseList} reads the {@code --server} option: one {@code host:port}, or several
 * separated by commas, tried in turn. An IPv6 literal is written in brackets, {@code [::1]:8700}.
 *
 * @param host a DNS name or an IP literal (without brackets)
 * @param port 1 to 65535
 */
public record ServerAddress(String host, int port) {
  /** Servers one peer may be given at most. */
  public static final int MAX_SERVERS = 16;
  /** The longest host name (RFC 1035's limit for a DNS name). */
  public static final int MAX_HOST_CHARS = 253;
  /** The {@code --server} text accepted at most, in characters. */
  public static final int MAX_LIST_CHARS = MAX_SERVERS * (MAX_HOST_CHARS + 8);

  private static final Pattern HOST_PORT =
      Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([A-Za-z0-9.\\-_]+)):(\\d{1,5})");

  public ServerAddress {
    if (host == null || host.isEmpty() || host.length() > MAX_HOST_CHARS) {
      throw new IllegalArgumentException("a server host of 1 to " + MAX_HOST_CHARS
          + " characters is required");
    }
    if (port < 1 || port > Limits.MAX_PORT) {
      throw new IllegalArgumentException("a server port must be 1.." + Limits.MAX_PORT
          + ", was " + port);
    }
  }

  /** {@code host:port}, with an IPv6 literal in brackets. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * Reads {@code host:port[,host:port...]}.
   *
   * @throws IllegalArgumentException saying what is wrong, with an example
   */
  public static List<ServerAddress> parseList(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("give the server as <host>:<port>, like localhost:8700");
    }
    if (text.length() > MAX_LIST_CHARS) {
      throw new IllegalArgumentException("the server list is " + text.length()
          + " characters long; the limit is " + MAX_LIST_CHARS);
    }
    String[] items = text.split(",", -1);
    if (items.length > MAX_SERVERS) {
      throw new IllegalArgumentException(items.length + " servers given; at most "
          + MAX_SERVERS + " are allowed");
    }
    List<ServerAddress> servers = new ArrayList<>();
    for (String item : items) {
      ServerAddress server = parse(item.strip());
      if (servers.contains(server)) {
        throw new IllegalArgumentException("the server " + server + " is given twice");
      }
      servers.add(server);
    }
    return List.copyOf(servers);
  }

  /** Reads one {@code host:port}. */
  public static ServerAddress parse(String text) {
    Matcher matcher = HOST_PORT.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + io.micropay.protocol.Printable.of(text)
          + "' is not <host>:<port>, like localhost:8700 or [::1]:8700");
    }
    String host = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
    int port = Integer.parseInt(matcher.group(3));
    return new ServerAddress(host, port);
  }
}
