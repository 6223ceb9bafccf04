package io.micropay.protocol;

import java.util.Optional;

/**
 * The payee's answer to a payment request: {@code OK} or {@code DECLINE <REASON>}.
 *
 * @param declined empty when the payee accepts
 */
public record PaymentDecision(Optional<DeclineReason> declined) {
  private static final String ACCEPT = "OK";
  private static final String DECLINE_PREFIX = "DECLINE ";

  /** The payee accepts. */
  public static PaymentDecision accept() {
    return new PaymentDecision(Optional.empty());
  }

  /** The payee declines for {@code reason}. */
  public static PaymentDecision decline(DeclineReason reason) {
    return new PaymentDecision(Optional.of(reason));
  }

  /** Whether the payee accepts. */
  public boolean isAccepted() {
    return declined.isEmpty();
  }

  /**
   * Whether the connection may carry another request once this answer (and, after {@code OK},
   * the relay of the verdict) has been exchanged: after {@code OK} or a plain "no" it may; after
   * a malformed, misaddressed or unanswered request it is closed (docs/protocol.md, "Kept
   * connections"). Payer and payee both go by this.
   */
  public boolean allowsAnotherRequest() {
    return declined.map(reason -> reason.in(ProtocolVersion.V1) == DeclineReason.DECLINED_BY_USER)
        .orElse(true);
  }

  /** The line in version 1, without terminator. */
  public String format() {
    return format(ProtocolVersion.V1);
  }

  /** The line as {@code version} says it, without terminator. */
  public String format(ProtocolVersion version) {
    return declined.map(reason -> DECLINE_PREFIX + reason.in(version).name()).orElse(ACCEPT);
  }

  /** Reads a version-1 answer; anything else is a ProtocolException naming what came. */
  public static PaymentDecision parse(String line) throws ProtocolException {
    return parse(line, ProtocolVersion.V1);
  }

  /** Reads the payee's answer in {@code version}; anything else is a ProtocolException. */
  public static PaymentDecision parse(String line, ProtocolVersion version)
      throws ProtocolException {
    if (line.equals(ACCEPT)) {
      return accept();
    }
    if (line.startsWith(DECLINE_PREFIX)) {
      String reason = line.substring(DECLINE_PREFIX.length());
      for (DeclineReason candidate : DeclineReason.values()) {
        if (candidate.name().equals(reason) && version.atLeast(candidate.since())) {
          return decline(candidate);
        }
      }
    }
    throw new ProtocolException("expected 'OK' or 'DECLINE <REASON>' from the payee, got '"
        + Printable.of(line) + "'");
  }
}
