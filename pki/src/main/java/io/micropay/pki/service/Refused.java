package io.micropay.pki.service;

import io.micropay.pki.PkiException;

/** A request the CA service refuses, with the HTTP status and the one line it answers. */
final class Refused extends PkiException {
  private final int status;
  private final RequestGate.Reason reason;

  Refused(int status, RequestGate.Reason reason, String message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  int status() {
    return status;
  }

  RequestGate.Reason reason() {
    return reason;
  }
}
