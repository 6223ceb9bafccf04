package io.micropay.pki;

/**
 * An expected failure of a PKI operation: a missing file, a CA that already exists, a CSR that
 * breaks the signing policy, a wrong passphrase. The message is one line that says what happened
 * and, where there is one, what to do next; the command line prints it without a stack trace.
 */
public class PkiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
