package dev.herald.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code herald send <provider>}: one notification to one or more addresses. */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = "Send one notification through a provider and print the outcome.",
    subcommands = {SendWebPushCommand.class, SendApnsCommand.class, SendFcmCommand.class})
final class SendCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose a provider");
  }
}
