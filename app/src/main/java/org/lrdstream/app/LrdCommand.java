package org.lrdstream.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lrd} command: one entry point for every role and tool of lrd-stream.
 * Each subcommand lives in its own class in this package and is registered here.
 */
@Command(
    name = "lrd",
    mixinStandardHelpOptions = true,
    versionProvider = LrdCommand.Version.class,
    description = "lrd-stream: a streaming, online-learning LRD recommender on Kafka.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DataCommand.class,
      ExperimentCommand.class,
      RelationsCommand.class,
      ExplainCommand.class,
      DemoCommand.class,
      BrokerCommand.class,
      IngestCommand.class,
      ScorerCommand.class,
      TrainerCommand.class,
      ReplayCommand.class,
      BenchCommand.class,
    })
public final class LrdCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command on the standard streams and returns its exit code. */
  static int run(String... args) {
    var cli = commandLine();
    int code = cli.execute(args);
    // picocli's writers flush on println only: what a command print()s last must not be lost
    cli.getOut().flush();
    cli.getErr().flush();
    return code;
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    var cl = new CommandLine(new LrdCommand());
    cl.setExecutionExceptionHandler(new CliErrors());
    // --entropy minimise, --freq-init random: enum values in any case
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      var v = LrdCommand.class.getPackage().getImplementationVersion();
      return new String[] {"lrd " + (v == null ? "dev" : v)};
    }
  }
}
