package io.micropay.peer.cli;

import io.micropay.rules.AccountNames;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Account names on the command line follow the protocol's rule (PROTOCOL.md section 3). */
final class AccountNameConverter implements ITypeConverter<String> {
  @Override
  public String convert(String value) {
    try {
      return AccountNames.requireValid(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
