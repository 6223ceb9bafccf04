package io.micropay.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version of a micropay program, read from the {@code micropay-app.properties} the build
 * writes into its jar, so that {@code --version} always tells the truth about the build.
 */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    Properties properties = new Properties();
    try (InputStream in = VersionProvider.class.getClassLoader()
        .getResourceAsStream("micropay-app.properties")) {
      if (in != null) {
        properties.load(in);
      }
    }
    return new String[] {
        "micropay " + properties.getProperty("name", "?") + " "
            + properties.getProperty("version", "(unknown version)"),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
            + ")"
    };
  }
}
