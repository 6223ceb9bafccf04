package io.micropay.protocol;

/**
 * Why a payee declined a payment request (PROTOCOL.md section 5). Version 2 adds reasons that
 * tell a policy's "no" from a person's; a version-1 payer hears {@link #DECLINED_BY_USER} for
 * them, the only version-1 word that fits.
 */
public enum DeclineReason {
  /** The payee's user, or its policy, said no. */
  DECLINED_BY_USER(ProtocolVersion.V1),
  /** The request was malformed, or its payer is not the certificate's CN. */
  BAD_REQUEST(ProtocolVersion.V1),
  /** The request names another payee. */
  NOT_ME(ProtocolVersion.V1),
  /** Nobody decided in time. */
  TIMEOUT(ProtocolVersion.V1),
  /** Version 2: the amount is over what the payee accepts without asking. */
  OVER_AUTO_LIMIT(ProtocolVersion.V2),
  /** Version 2: the payee accepts no payments at all (its policy). */
  NOT_ACCEPTING(ProtocolVersion.V2);

  private final ProtocolVersion since;

  DeclineReason(ProtocolVersion since) {
    this.since = since;
  }

  /** The first version that has this reason. */
  public ProtocolVersion since() {
    return since;
  }

  /** The reason as {@code version} can say it. */
  public DeclineReason in(ProtocolVersion version) {
    return version.atLeast(since) ? this : DECLINED_BY_USER;
  }
}
