package io.micropay.pki;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The account-name rule of PROTOCOL.md section 3, as the CA applies it to the CN of every peer
 * certificate: 1 to 32 characters from {@code A-Z a-z 0-9 _ . -}, starting with a letter, and none
 * of the protocol's command words. The wire codec in payment-protocol applies the same rule to
 * names on the wire; the pki module depends on nothing of ours, so the rule is stated here too and
 * a test in each module pins it to the same table of names.
 */
public final class PeerNames {
  /** The longest account name, in characters. */
  public static final int MAX_NAME_LENGTH = 32;

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,31}");
  private static final Set<String> RESERVED = Set.of("register", "deposit", "list", "exit");

  private PeerNames() {
  }

  /** Whether {@code name} may be an account name. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches()
        && !RESERVED.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Returns {@code name} when valid, else throws a {@link PkiException} saying why not. */
  public static String requireValid(String name) {
    if (name == null || name.isEmpty()) {
      throw new PkiException("an account name is required");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new PkiException("account name '" + name + "' is " + name.length()
          + " characters long; the limit is " + MAX_NAME_LENGTH);
    }
    if (!Character.isLetter(name.charAt(0)) || name.charAt(0) > 'z') {
      throw new PkiException("account name '" + name + "' must start with a letter A-Z or a-z");
    }
    if (!NAME.matcher(name).matches()) {
      throw new PkiException("account name '" + name
          + "' may only contain the characters A-Z a-z 0-9 _ . -");
    }
    if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
      throw new PkiException("'" + name
          + "' is a protocol command word and cannot be an account name");
    }
    return name;
  }
}
