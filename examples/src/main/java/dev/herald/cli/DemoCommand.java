package dev.herald.cli;

import dev.herald.examples.SubscriptionDemo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code herald demo}: a run of Herald embedded in a pretend casino backend. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run Herald embedded with its in-memory defaults and show what it does.")
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    new SubscriptionDemo(out).run();
    out.flush();
    return HeraldCommand.OK;
  }
}
