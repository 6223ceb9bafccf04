package io.micropay.pki.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.pki.PkiException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which engine a process uses: the native one where it loads (here it does), the one named on
 * the command line, and, in a JVM without the native engine, the JDK's with a warning that says
 * why, while asking for the native one by name is an error saying so.
 */
@Timeout(60)
class TlsEngineChoiceTest {

  @Test
  void theNativeEngineIsTheDefaultWhereItLoadsAndANamedOneIsKept() {
    assertEquals(TlsEngine.BORINGSSL, TlsEngineChoice.automatic().engine());
    assertEquals(TlsEngineChoice.automatic(), TlsEngineChoice.of(Optional.empty()));
    assertEquals(TlsEngine.JDK, TlsEngineChoice.of(Optional.of(TlsEngine.JDK)).engine());
    assertEquals("TLS engine jdk (as asked)", TlsEngineChoice.of(TlsEngine.JDK).describe());
    assertTrue(TlsEngineChoice.automatic().describe().startsWith(
        "TLS engine boringssl (the default; BoringSSL through Conscrypt "));
    assertEquals(TlsEngine.JDK, TlsEngine.fromOptionName("jdk"));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> TlsEngine.fromOptionName("openssl"));
    assertEquals("unknown TLS engine 'openssl': choose one of boringssl, jdk",
        unknown.getMessage());
  }

  /**
   * Without Conscrypt's jar (as on a platform its library does not support, the engine fails
   * to load: a class missing or a library that will not link take the same way).
   */
  @Test
  void withoutTheNativeEngineTheJdksIsUsedAndTheNativeOneRefused() throws Exception {
    String classPath = Arrays.stream(System.getProperty("java.class.path")
            .split(File.pathSeparator))
        .filter(entry -> !entry.contains("conscrypt"))
        .collect(Collectors.joining(File.pathSeparator));
    Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", classPath, Probe.class.getName())
        .redirectErrorStream(true).start();
    assertTrue(probe.waitFor(30, TimeUnit.SECONDS), "the probe finished");
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(output.contains("TLS engine jdk (the native engine does not load on this "
        + "machine ("), output);
    assertTrue(output.contains("refused: the boringssl TLS engine cannot be used on this "
        + "machine"), output);
    assertTrue(output.contains("use --tls-engine jdk"), output);
  }

  /** Run in its own JVM by the test above. */
  public static final class Probe {
    public static void main(String[] args) {
      System.out.println(TlsEngineChoice.automatic().describe());
      try {
        TlsEngineChoice.of(TlsEngine.BORINGSSL);
        System.out.println("not refused");
      } catch (PkiException e) {
        System.out.println("refused: " + e.getMessage());
      }
    }
  }
}
