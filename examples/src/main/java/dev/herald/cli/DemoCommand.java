package dev.herald.cli;

import dev.herald.examples.CasinoDemo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald demo}: Herald embedded in a pretend casino backend, sending to mock services. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Herald embedded in a pretend casino backend, sending to mock push services.",
      "",
      "Players and devices in every status, a segment, an A/B campaign with a control group,",
      "the deposit-reminder trigger, a security alert next to a held-back promotion, clicks",
      "and deposits, and a report. Every message crosses HTTP/2 and TLS on loopback to the",
      "mock push services of herald-testing."})
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--players", defaultValue = "10000", paramLabel = "N",
      description = "How many players to create (default ${DEFAULT-VALUE}).")
  int players;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the random players (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    if (players < 100 || players > 1_000_000) {
      throw new dev.herald.InvalidInputException("--players",
          "must be between 100 and 1000000, got " + players);
    }
    PrintWriter out = spec.commandLine().getOut();
    new CasinoDemo(out, players, seed, !noProgress).run();
    out.flush();
    return HeraldCommand.OK;
  }
}
