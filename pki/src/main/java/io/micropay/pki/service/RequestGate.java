package io.micropay.pki.service;

import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the CA service lets in: a token bucket per client address (its rate and burst are the
 * requests per second allowed), and a count of refused enrollment tokens per address in a
 * window, past which that address's enrollments are refused unread. Every refusal is counted by
 * reason and logged, at most {@link #LOG_LINES_PER_MINUTE} lines per reason a minute so that a
 * flood cannot fill the disk; the lines left out are counted in the next one.
 */
final class RequestGate {
  /** Addresses followed at most; beyond, idle ones are forgotten first. */
  static final int MAX_ADDRESSES = 10_000;
  static final int LOG_LINES_PER_MINUTE = 10;

  private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);
  private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

  /** Why a request was refused. */
  enum Reason {
    RATE("requests per second"), TOKEN_FAILURES("refused tokens"), SIZE("request size"),
    TOKEN("refused token"), CERTIFICATE("certificate refused"), BAD_REQUEST("bad request"),
    ADDRESSES("addresses followed");

    final String words;

    Reason(String words) {
      this.words = words;
    }
  }

  private final int requestsPerSecond;
  private final int maxTokenFailures;
  private final long failureWindowNanos;
  private final LongSupplier nanoTime;
  private final Map<InetAddress, Client> clients = new ConcurrentHashMap<>();
  private final Map<Reason, LongAdder> refused = new EnumMap<>(Reason.class);
  private final Map<Reason, LogBudget> logBudgets = new EnumMap<>(Reason.class);

  RequestGate(int requestsPerSecond, int maxTokenFailures, Duration failureWindow,
      LongSupplier nanoTime) {
    this.requestsPerSecond = requestsPerSecond;
    this.maxTokenFailures = maxTokenFailures;
    this.failureWindowNanos = failureWindow.toNanos();
    this.nanoTime = nanoTime;
    for (Reason reason : Reason.values()) {
      refused.put(reason, new LongAdder());
      logBudgets.put(reason, new LogBudget());
    }
  }

  /** Whether one more request from {@code address} may go on now; refusals are counted. */
  boolean admit(InetAddress address, String what) {
    Client client = client(address, what);
    if (client == null) {
      return false;
    }
    if (!client.take(nanoTime.getAsLong())) {
      refuse(Reason.RATE, address, what + ": more than " + requestsPerSecond
          + " requests per second");
      return false;
    }
    return true;
  }

  /** Whether {@code address} may try an enrollment token, or sent too many refused ones. */
  boolean mayTryToken(InetAddress address) {
    Client client = clients.get(address);
    if (client != null && client.failures(nanoTime.getAsLong()) >= maxTokenFailures) {
      refuse(Reason.TOKEN_FAILURES, address, "enrollment refused unread: " + maxTokenFailures
          + " refused tokens in " + Duration.ofNanos(failureWindowNanos).toMinutes() + " min");
      return false;
    }
    return true;
  }

  /** Counts a refused token from {@code address}, and logs why. */
  void tokenRefused(InetAddress address, String why) {
    Client client = clients.get(address);
    if (client != null) {
      client.failed(nanoTime.getAsLong());
    }
    refuse(Reason.TOKEN, address, why);
  }

  /** Counts and logs a refusal for {@code reason}. */
  void refuse(Reason reason, InetAddress address, String why) {
    refused.get(reason).increment();
    long skipped = logBudgets.get(reason).spend(nanoTime.getAsLong());
    if (skipped >= 0) {
      LOG.warn("refused {} ({}): {}{}", address.getHostAddress(), reason.words, why,
          skipped > 0 ? " [" + skipped + " more such refusals not logged]" : "");
    }
  }

  /** Refusals so far, by reason. */
  Map<Reason, Long> refusals() {
    Map<Reason, Long> counts = new EnumMap<>(Reason.class);
    refused.forEach((reason, count) -> counts.put(reason, count.sum()));
    return counts;
  }

  private Client client(InetAddress address, String what) {
    Client client = clients.get(address);
    if (client != null) {
      return client;
    }
    if (clients.size() >= MAX_ADDRESSES) {
      long now = nanoTime.getAsLong();
      clients.values().removeIf(idle -> idle.isIdle(now));
      if (clients.size() >= MAX_ADDRESSES) {
        refuse(Reason.ADDRESSES, address, what + ": " + MAX_ADDRESSES
            + " busy addresses followed already");
        return null;
      }
    }
    return clients.computeIfAbsent(address, key -> new Client(nanoTime.getAsLong()));
  }

  /** One address: its token bucket and its refused tokens in the current window. */
  private final class Client {
    private double tokens = requestsPerSecond;
    private long refilledAt;
    private long windowStart;
    private int failures;

    Client(long now) {
      this.refilledAt = now;
      this.windowStart = now;
    }

    synchronized boolean take(long now) {
      tokens = Math.min(requestsPerSecond,
          tokens + (now - refilledAt) * (double) requestsPerSecond / 1e9);
      refilledAt = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }

    synchronized int failures(long now) {
      if (now - windowStart >= failureWindowNanos) {
        windowStart = now;
        failures = 0;
      }
      return failures;
    }

    synchronized void failed(long now) {
      failures(now);
      failures++;
    }

    synchronized boolean isIdle(long now) {
      return failures(now) == 0 && now - refilledAt > 1_000_000_000L;
    }
  }

  /** Log lines left this minute for one reason. */
  private static final class LogBudget {
    private long minuteStart = Long.MIN_VALUE;
    private int lines;
    private long skipped;

    /** The refusals skipped before this line, or -1 when this line is skipped too. */
    synchronized long spend(long now) {
      if (minuteStart == Long.MIN_VALUE || now - minuteStart >= MINUTE_NANOS) {
        minuteStart = now;
        lines = 0;
      }
      if (lines >= LOG_LINES_PER_MINUTE) {
        skipped++;
        return -1;
      }
      lines++;
      long before = skipped;
      skipped = 0;
      return before;
    }
  }
}
