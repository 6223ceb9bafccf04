package io.micropay.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP address literals as they appear in the online list; never looked up in DNS. */
final class IpLiterals {
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private IpLiterals() {
  }

  static boolean isValid(String text) {
    if (text == null) {
      return false;
    }
    if (text.indexOf(':') < 0) {
      return isIpv4(text);
    }
    if (!IPV6.matcher(text).matches()) {
      return false;
    }
    try {
      // Text with a ':' is parsed by the JDK as an IPv6 literal and never resolved.
      InetAddress.getByName(text);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Four decimal octets of one to three digits, 0 to 255, joined by dots. Written out rather than
   * as a regular expression: a peer checks every entry of every online list it reads.
   */
  private static boolean isIpv4(String text) {
    int octets = 0;
    int at = 0;
    while (at <= text.length()) {
      int value = 0;
      int digits = 0;
      while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        value = value * 10 + (text.charAt(at) - '0');
        digits++;
        at++;
        if (digits > 3) {
          return false;
        }
      }
      if (digits == 0 || value > 255) {
        return false;
      }
      octets++;
      if (at == text.length()) {
        return octets == 4;
      }
      if (text.charAt(at) != '.' || octets == 4) {
        return false;
      }
      at++;
    }
    return false;
  }
}
