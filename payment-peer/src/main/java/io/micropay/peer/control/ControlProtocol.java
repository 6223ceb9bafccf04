package io.micropay.peer.control;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The local control socket of a running peer (the shell or {@code online}): a one-shot command
 * for the same account is sent there instead of logging in again, so that the running peer is
 * not logged out by it. One request per connection, one line, the command's words separated by
 * single spaces:
 * <pre>
 * list | pay &lt;payee&gt; &lt;amount&gt; | deposit &lt;amount&gt;
 * </pre>
 * The answer is what the command would print, line by line, then its exit code:
 * <pre>
 * OUT &lt;a line of standard output&gt;
 * ERR &lt;a line of standard error&gt;
 * EXIT &lt;code&gt;
 * </pre>
 * The socket is a Unix domain socket, mode 0600 in a folder of mode 0700: only this user can
 * reach it, and the running peer also checks the connecting process's user where the system
 * tells it.
 */
public final class ControlProtocol {
  /** The longest request line, in bytes, with its LF. */
  public static final int MAX_REQUEST_BYTES = 1024;
  /** The longest answer line, in bytes, with its LF (a long online-list line fits). */
  public static final int MAX_ANSWER_LINE_BYTES = 8192;
  /** Answer lines read at most: an online list of 100,000 accounts and then some. */
  public static final int MAX_ANSWER_LINES = 200_000;
  /**
   * The longest socket path the system takes (sun_path holds 108 bytes with its NUL on Linux).
   */
  public static final int MAX_SOCKET_PATH_BYTES = 107;
  static final String OUT = "OUT ";
  static final String ERR = "ERR ";
  static final String EXIT = "EXIT ";

  private ControlProtocol() {
  }

  /** The socket of the running peer of {@code account} in {@code folder}. */
  public static Path socketPath(Path folder, String account) {
    return folder.resolve(account + ".sock");
  }

  /** Whether {@code path} is short enough to be a Unix domain socket's address. */
  static boolean fits(Path path) {
    return path.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES;
  }
}
