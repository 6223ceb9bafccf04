package io.micropay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.cli.testing.CommandRun;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Every program's exit codes and error lines, tested on a command made for the purpose. */
class StandardCommandLineTest {
  @Command(name = "probe", mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class)
  static final class Probe implements Callable<Integer> {
    @Parameters(arity = "1")
    String what;

    @Override
    public Integer call() {
      return switch (what) {
        case "operating" -> throw new UncheckedIOException("the disk is full",
            new java.io.IOException("ENOSPC"));
        case "bug" -> throw new IllegalStateException("a broken invariant");
        default -> StandardCommandLine.OK;
      };
    }
  }

  private static CommandRun run(String... arguments) {
    return CommandRun.of(StandardCommandLine.create(new Probe(),
        List.of(UncheckedIOException.class)), arguments);
  }

  @Test
  void anOperatingErrorIsOneLineAndExitOne() {
    CommandRun run = run("operating");
    assertEquals(StandardCommandLine.FAILURE, run.exitCode());
    assertEquals("probe: the disk is full", run.err().strip());
  }

  @Test
  void aBugIsReportedWithItsTrace() {
    CommandRun run = run("bug");
    assertEquals(StandardCommandLine.INTERNAL_ERROR, run.exitCode());
    assertTrue(run.err().contains("internal error"), run.err());
    assertTrue(run.err().contains("IllegalStateException: a broken invariant"), run.err());
  }

  @Test
  void aUsageErrorSaysWhatIsWrongAndWhereTheHelpIs() {
    CommandRun run = run("ok", "--colour");
    assertEquals(StandardCommandLine.USAGE, run.exitCode());
    assertTrue(run.err().startsWith("probe: Unknown option: '--colour'"), run.err());
    assertTrue(run.err().contains("see 'probe --help'"), run.err());
    assertFalse(run.err().contains("Usage:"), "not the whole help: " + run.err());
  }

  @Test
  void theVersionNamesTheJava() {
    CommandRun run = run("--version");
    assertEquals(StandardCommandLine.OK, run.exitCode());
    assertTrue(run.out().contains("Java " + System.getProperty("java.version")), run.out());
  }
}
