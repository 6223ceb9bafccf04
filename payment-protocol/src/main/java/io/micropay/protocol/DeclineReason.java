package io.micropay.protocol;

/** Why a payee declined a payment request (PROTOCOL.md section 5). */
public enum DeclineReason {
  /** The payee's user, or its policy, said no. */
  DECLINED_BY_USER,
  /** The request was malformed, or its payer is not the certificate's CN. */
  BAD_REQUEST,
  /** The request names another payee. */
  NOT_ME,
  /** Nobody decided in time. */
  TIMEOUT
}
