package io.micropay.pki.tls;

/** What a server does with a connection after {@link ClientHelloAlpn} read its first bytes. */
public enum ClientHelloVerdict {
  /** Hand the bytes to the engine. */
  PROCEED,
  /** Wait for the rest of the first record. */
  NEED_MORE,
  /** Send the no_application_protocol alert and close: the client offers no version of ours. */
  REFUSE
}
