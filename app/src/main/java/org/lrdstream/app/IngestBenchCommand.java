package org.lrdstream.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.bench.IngestBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd bench ingest}: ingest throughput with exactly-once, on an embedded broker. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Starts an embedded broker and the ingest topology, replays the data set as fast as possible and reports events/s from the first published event until the last sequence event is committed. Prints one JSON object as its last line.")
public final class IngestBenchCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, description = "Data set directory (ReChorus format).")
  Path data;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--warmup-rounds",
      defaultValue = "0",
      description = "Full rounds (fresh broker and state each, all their passes) run before the"
          + " reported one (default: ${DEFAULT-VALUE}: the passes already warm the JIT up).")
  int warmupRounds;

  @Option(
      names = "--passes",
      defaultValue = "12",
      description = "Passes of the data set through the same broker and ingest instance in each"
          + " round (pass k > 1 as other users with other event ids); the last --measured-passes"
          + " are measured: a long-running ingest after the JIT has compiled its hot paths"
          + " (default: ${DEFAULT-VALUE}).")
  int passes;

  @Option(
      names = "--measured-passes",
      defaultValue = "4",
      description = "How many of the last passes are measured together (default: ${DEFAULT-VALUE}).")
  int measuredPasses;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "Kafka Streams threads of the ingest topology (default: ${DEFAULT-VALUE}, as lrd ingest).")
  int threads;

  @Option(names = "--at-least-once", description = "Measure without exactly-once, for comparison.")
  boolean atLeastOnce;

  @Override
  public Integer call() throws Exception {
    var config = IngestConfig.defaults().withExactlyOnce(!atLeastOnce).withThreads(threads);
    var result = IngestBenchmark.run(data, partitions, warmupRounds, passes,
        Math.min(measuredPasses, passes), config,
        line -> System.err.println("bench: " + line));
    System.err.printf(Locale.ROOT, "bench: %,.0f events/s (%,.0f events/s if the %d cores were ours: %.1f us CPU per event)%n",
        result.eventsPerSecond(), result.cpuBoundEventsPerSecond(), result.cores(),
        result.cpuSeconds() * 1e6 / result.events());
    System.out.println(result.toJson());
    return 0;
  }
}
