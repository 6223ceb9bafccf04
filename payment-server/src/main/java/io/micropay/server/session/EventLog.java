package io.micropay.server.session;

import io.micropay.protocol.OnlineEntry;
import io.micropay.protocol.Printable;
import io.micropay.server.Verbosity;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session log at the configured {@link Verbosity}. Every line starts with the connection id
 * and the account name, so an operator can follow one story through a busy log.
 */
public final class EventLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.micropay.server.events");
  private static final int MAX_LOGGED_ENTRIES = 50;
  /** Characters of one reply logged at most; an online list is cut there. */
  static final int MAX_LOGGED_REPLY_CHARS = 300;

  /** Refusal lines logged per second at most. */
  static final int MAX_REFUSALS_PER_SECOND = 20;

  private final Verbosity verbosity;
  private final LogRateLimit refusals = new LogRateLimit(MAX_REFUSALS_PER_SECOND);

  public EventLog(Verbosity verbosity) {
    this.verbosity = verbosity;
  }

  void event(long connectionId, String account, String what) {
    LOG.info("conn={} account={} {}", connectionId, account, what);
  }

  /**
   * A refused request: a WARN line, but at most {@value #MAX_REFUSALS_PER_SECOND} a second, so a
   * client sending garbage as fast as it can cannot fill the disk with our log. The next line
   * after a quiet spell says how many were left out.
   */
  void refused(long connectionId, String account, String what) {
    long suppressed = refusals.tryAcquire();
    if (suppressed < 0) {
      return;
    }
    if (suppressed > 0) {
      LOG.warn("({} similar lines left out)", suppressed);
    }
    LOG.warn("conn={} account={} {}", connectionId, account, what);
  }

  void received(long connectionId, String account, String line) {
    if (verbosity.includes(Verbosity.ALL)) {
      LOG.info("conn={} account={} <- {}", connectionId, account, Printable.of(line));
    }
  }

  /**
   * A reply sent, at {@link Verbosity#ALL} only. Given as bytes and decoded only then: an online
   * list is kilobytes (300 KB at 10,000 online), and decoding every one for a log that is off
   * was 13% of what the server allocated under P2P load.
   */
  void sent(long connectionId, String account, byte[] reply) {
    if (verbosity.includes(Verbosity.ALL)) {
      LOG.info("conn={} account={} -> {}", connectionId, account, loggable(reply));
    }
  }

  /**
   * A reply as one bounded log line: line ends shown as {@code " | "}, and past
   * {@value #MAX_LOGGED_REPLY_CHARS} characters cut off, with the reply's full size.
   */
  static String loggable(byte[] reply) {
    int shown = Math.min(reply.length, MAX_LOGGED_REPLY_CHARS);
    String text = new String(reply, 0, shown, StandardCharsets.US_ASCII).strip()
        .replace("\r\n", " | ");
    return shown == reply.length ? text : text + " ... (" + reply.length + " bytes)";
  }

  void onlineChanged(Presence presence) {
    if (!verbosity.includes(Verbosity.LIST)) {
      return;
    }
    Presence.Snapshot snapshot = presence.snapshot();
    StringBuilder names = new StringBuilder();
    int shown = 0;
    for (OnlineEntry entry : snapshot.entries()) {
      if (shown++ == MAX_LOGGED_ENTRIES) {
        names.append(" ...");
        break;
      }
      names.append(' ').append(entry.name()).append('@').append(entry.ip()).append(':')
          .append(entry.port());
    }
    LOG.info("online ({}):{}", snapshot.entries().size(), names);
  }
}
