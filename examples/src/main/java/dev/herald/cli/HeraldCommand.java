package dev.herald.cli;

import dev.herald.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code herald} command-line tool: {@code java -jar examples/target/herald.jar --help}.
 *
 * <p>Exit codes: 0 success; 1 a failure (a send rejected, retried out, or failed); 2 bad usage or
 * input; 3 an address is invalid.
 */
@Command(
    name = "herald",
    mixinStandardHelpOptions = true,
    versionProvider = HeraldCommand.Version.class,
    description = "Herald: push notifications for gaming platforms, spoken directly over "
        + "Web Push, APNs and FCM.",
    subcommands = {
      DemoCommand.class,
      SendCommand.class,
      VapidKeysCommand.class,
      SegmentCommand.class,
      CommandLine.HelpCommand.class
    })
public final class HeraldCommand implements Callable<Integer> {
  /** Exit code for success. */
  static final int OK = 0;
  /** Exit code for a failed send or run. */
  static final int FAILED = 1;
  /** Exit code for bad usage or input. */
  static final int USAGE = 2;
  /** Exit code when an address was reported invalid. */
  static final int INVALID_ADDRESS = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the tool and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * Runs the tool, writing to the given streams.
   *
   * @param out standard output
   * @param err standard error
   * @param args the command line
   * @return the exit code
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new HeraldCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof InvalidInputException) {
        commandLine.getErr().println("herald: invalid input: " + e.getMessage());
        return USAGE;
      }
      if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
        commandLine.getErr().println("herald: cannot read " + ((java.nio.file.FileSystemException) e)
            .getFile() + (e instanceof NoSuchFileException ? ": no such file" : ": access denied"));
        return USAGE;
      }
      commandLine.getErr().println("herald: " + e);
      return FAILED;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Without a command there is nothing to do: the usage goes to standard error, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("herald: choose a command");
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /**
   * Checks that an option's file can be read, so a typo is a usage error naming the option and
   * the file rather than an I/O exception.
   *
   * @param spec the command, for the error
   * @param option the option, such as {@code --key}
   * @param file the file given
   * @return the file
   * @throws CommandLine.ParameterException when it is missing or unreadable (exit code 2)
   */
  static Path readableFile(CommandLine.Model.CommandSpec spec, String option, Path file) {
    if (file != null && !Files.isRegularFile(file)) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": no such file: "
          + file.toAbsolutePath());
    }
    if (file != null && !Files.isReadable(file)) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + ": cannot read "
          + file.toAbsolutePath() + " (permission denied)");
    }
    return file;
  }

  /** Reads the version Maven wrote into {@code herald-version.properties}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = HeraldCommand.class.getResourceAsStream("/herald-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "herald " + p.getProperty("version", "unknown"),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
