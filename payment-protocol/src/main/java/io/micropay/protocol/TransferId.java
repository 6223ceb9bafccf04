package io.micropay.protocol;

import java.util.UUID;

/** Transfer ids, chosen by the payer: 8 to 64 characters from {@code A-Z a-z 0-9 -}. */
public final class TransferId {
  private TransferId() {
  }

  /** A fresh random id (a UUID). */
  public static String random() {
    return UUID.randomUUID().toString();
  }

  /** Whether {@code id} is a valid transfer id. */
  public static boolean isValid(String id) {
    if (id == null || id.length() < Limits.MIN_TRANSFER_ID_LENGTH
        || id.length() > Limits.MAX_TRANSFER_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9') || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  /** Returns {@code id}, or throws IllegalArgumentException when it is not valid. */
  public static String requireValid(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("transfer id must be " + Limits.MIN_TRANSFER_ID_LENGTH
          + " to " + Limits.MAX_TRANSFER_ID_LENGTH + " characters of A-Z a-z 0-9 -");
    }
    return id;
  }
}
