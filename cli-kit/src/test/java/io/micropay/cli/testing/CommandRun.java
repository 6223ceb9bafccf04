package io.micropay.cli.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * A program's command line run in this JVM, the way its tests check it: standard output and
 * standard error captured, the exit code kept.
 *
 * @param exitCode what {@code execute} returned
 * @param out everything printed to standard output
 * @param err everything printed to standard error
 */
public record CommandRun(int exitCode, String out, String err) {
  /** Runs {@code commandLine} with {@code arguments} and captures what it prints. */
  public static CommandRun of(CommandLine commandLine, String... arguments) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(arguments);
    return new CommandRun(exitCode, out.toString(), err.toString());
  }
}
