package io.micropay.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP address literals as they appear in the online list; never looked up in DNS. */
final class IpLiterals {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private IpLiterals() {
  }

  static boolean isValid(String text) {
    if (text == null) {
      return false;
    }
    if (IPV4.matcher(text).matches()) {
      for (String octet : text.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!text.contains(":") || !IPV6.matcher(text).matches()) {
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
}
