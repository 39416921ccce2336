package org.lrdstream.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code lrd bench}: the benchmark commands, one subcommand class per part of the system. Each
 * prints one JSON object as its last stdout line, for BENCHMARKS.md and scripts.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks; each prints one JSON object as its last line.",
    subcommands = {
      IngestBenchCommand.class,
      ModelBenchCommand.class,
      ScorerBenchCommand.class,
      OnlineBenchCommand.class,
      RerankBenchCommand.class,
      PassesBenchCommand.class,
      ScorerPlotCommand.class,
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
