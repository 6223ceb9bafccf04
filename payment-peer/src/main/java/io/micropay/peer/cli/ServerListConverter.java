package io.micropay.peer.cli;

import io.micropay.peer.ServerAddress;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --server host:port[,host:port...]}; a malformed one is a usage error. */
final class ServerListConverter implements ITypeConverter<ServerListConverter.Servers> {
  /** The servers of one {@code --server} option, in the order given. */
  record Servers(List<ServerAddress> addresses) {
  }

  @Override
  public Servers convert(String value) {
    try {
      return new Servers(ServerAddress.parseList(value));
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
