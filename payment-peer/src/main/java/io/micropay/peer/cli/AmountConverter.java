package io.micropay.peer.cli;

import io.micropay.protocol.Amounts;
import io.micropay.protocol.Limits;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Amounts on the command line follow the protocol: whole units, 1 to 1,000,000,000. */
final class AmountConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    long amount = Amounts.parseOrInvalid(value);
    if (amount < 0) {
      throw new TypeConversionException("'" + value + "' is not an amount: write whole units, "
          + Limits.MIN_AMOUNT + " to " + Limits.MAX_AMOUNT + ", digits only");
    }
    return amount;
  }
}
