package io.micropay.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * How every micropay program sets up Picocli: the same exit codes, the same one-line errors,
 * the same version text. Exit codes: {@value #OK} success, {@value #FAILURE} an operating error
 * (bad input, missing file, refused connection), {@value #USAGE} a usage error; programs document
 * any others they add.
 */
public final class StandardCommandLine {
  /** The command did what it was asked. */
  public static final int OK = 0;
  /** An expected failure: the message says what happened and what to do. */
  public static final int FAILURE = 1;
  /** The command line itself was wrong. */
  public static final int USAGE = 2;
  /** A bug: a broken invariant, reported with its stack trace. */
  public static final int INTERNAL_ERROR = 70;

  private StandardCommandLine() {
  }

  /**
   * A command line for {@code command} whose listed exception types are operating errors:
   * printed as {@code <program>: <message>} on stderr, exit {@value #FAILURE}, no stack trace.
   * Anything else is a bug and is printed with its stack trace.
   */
  public static CommandLine create(Object command,
      List<Class<? extends Throwable>> operatingErrors) {
    CommandLine commandLine = new CommandLine(command);
    commandLine.setExecutionExceptionHandler(new ErrorHandler(operatingErrors));
    commandLine.setParameterExceptionHandler(StandardCommandLine::usageError);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setUsageHelpAutoWidth(true);
    return commandLine;
  }

  /**
   * A usage error: the one line that says what is wrong (and picocli's "did you mean" for a
   * mistyped word), then where the help is, instead of the whole help.
   */
  private static int usageError(CommandLine.ParameterException failure, String[] arguments) {
    CommandLine commandLine = failure.getCommandLine();
    PrintWriter err = commandLine.getErr();
    String program = commandLine.getCommandSpec().root().name();
    err.println(program + ": " + failure.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(failure, err);
    err.println("see '" + commandLine.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return USAGE;
  }

  private static final class ErrorHandler implements IExecutionExceptionHandler {
    private final List<Class<? extends Throwable>> operatingErrors;

    ErrorHandler(List<Class<? extends Throwable>> operatingErrors) {
      this.operatingErrors = List.copyOf(operatingErrors);
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine,
        ParseResult parseResult) {
      PrintWriter err = commandLine.getErr();
      String program = commandLine.getCommandSpec().root().name();
      if (isOperatingError(failure)) {
        err.println(program + ": " + failure.getMessage());
        err.flush();
        return FAILURE;
      }
      err.println(program + ": internal error, please report it with this trace:");
      failure.printStackTrace(err);
      err.flush();
      return INTERNAL_ERROR;
    }

    private boolean isOperatingError(Throwable failure) {
      return operatingErrors.stream().anyMatch(type -> type.isInstance(failure));
    }
  }
}
