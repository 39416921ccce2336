package org.lrdstream.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.bench.ScorerBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd bench scorer}: events/s, candidates/s, end-to-end latency and online HR@10 of the scorer. */
@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Scorer events/s, candidates/s, end-to-end latency and online HR@10.",
      "Starts an embedded broker, ingest and the scorer serving CKPT, replays the data set's events",
      "and reports events/s and candidates/s (first event published to last recommendation",
      "committed), end-to-end latency p50/p99 (broker append of the interaction to the committed",
      "recommendation), the prequential online HR@10 and the FLOP rate. Prints one JSON object as",
      "its last line."
    })
public final class ScorerBenchCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data set directory (ReChorus format).")
  Path data;

  @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "Checkpoint directory of a model trained on that data set (lrd experiment writes OUT/checkpoints/<model>-seed<N>).")
  Path checkpoint;

  @Option(names = "--candidates", defaultValue = "200", paramLabel = "N", description = "Candidates per event. Default: ${DEFAULT-VALUE}.")
  int candidates;

  @Option(names = "--layers", defaultValue = "0", paramLabel = "L", description = "Self-attention layers to run (0 = all of the checkpoint's). Default: ${DEFAULT-VALUE}.")
  int layers;

  @Option(names = "--top-k", defaultValue = "10", paramLabel = "K", description = "Items per recommendation. Default: ${DEFAULT-VALUE}.")
  int topK;

  @Option(names = "--events", defaultValue = "0", paramLabel = "E", description = "Replay only the first E events in time order (0 = all). Default: ${DEFAULT-VALUE}.")
  int events;

  @Option(names = "--rate", defaultValue = "0", paramLabel = "R", description = "Events per second to replay at (0 = as fast as possible). Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "Events scored together in one forward pass (1 = each event alone). Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--batch-wait-ms", defaultValue = "10", paramLabel = "MS", description = "Longest an event waits for its batch to fill. Default: ${DEFAULT-VALUE}.")
  long batchWaitMs;

  @Option(names = "--model-workers", defaultValue = "0", paramLabel = "W", description = "Threads a batch's forward pass is cut across, each with one PyTorch intra-op thread (0 = the cores divided among the --threads stream threads). Default: ${DEFAULT-VALUE}.")
  int modelWorkers;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "T", description = "Scorer stream threads (they share the PyTorch threads of LRD_THREADS). Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--commit-interval-ms", defaultValue = "100", paramLabel = "MS", description = "Commit interval of ingest and the scorer (under exactly-once a recommendation is readable only after both commit). Default: ${DEFAULT-VALUE}.")
  long commitIntervalMs;

  @Option(names = "--linger-ms", defaultValue = "5", paramLabel = "MS", description = "Kafka's linger.ms for the producers of ingest (sequence events) and the scorer (recommendations): 0 sends at once. Default: ${DEFAULT-VALUE}.")
  long lingerMs;

  @Option(names = "--skip-latency-events", defaultValue = "0", paramLabel = "W", description = "Leave the first W events out of p50_ms/p99_ms (the system's start); throughput counts all. Default: ${DEFAULT-VALUE}.")
  int skipLatencyEvents;

  @Option(names = "--partitions", defaultValue = "3", paramLabel = "P", description = "Partitions per topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--at-least-once", description = "Run ingest's and the scorer's commits without exactly-once.")
  boolean atLeastOnce;

  @Option(names = "--peak-gflops", defaultValue = "0", paramLabel = "G",
      description = "The machine's FP32 peak in GFLOP/s, for the share of peak: cores x GHz x FLOP/cycle. 0 = read from /proc/cpuinfo (64 FLOP/cycle with AVX-512, 32 with AVX2+FMA, 16 otherwise; 157, the 2-core AVX2 EPYC of the first measurements, where it cannot be read). Default: ${DEFAULT-VALUE}.")
  double peak;

  @Option(names = "--latency-trace", paramLabel = "FILE",
      description = "Also write every event's end-to-end latency to FILE as CSV (event_id,appended_ms,recommended_ms,latency_ms, in append order), to see when the tail happens.")
  Path latencyTrace;

  @Override
  public Integer call() throws Exception {
    var b = ScorerConfig.defaults().toBuilder();
    b.candidates = candidates;
    b.layers = layers;
    b.topK = topK;
    b.batch = batch;
    b.commitInterval = java.time.Duration.ofMillis(commitIntervalMs);
    b.linger = java.time.Duration.ofMillis(lingerMs);
    b.threads = threads;
    b.batchWait = java.time.Duration.ofMillis(batchWaitMs);
    b.modelWorkers = modelWorkers;
    b.exactlyOnce = !atLeastOnce;
    var result = ScorerBenchmark.run(data, checkpoint, b.build(), partitions, events, rate, peak > 0 ? peak : org.lrdstream.model.FlopCount.machinePeakGflops(157), skipLatencyEvents,
        latencyTrace, line -> System.err.println("bench: " + line));
    System.err.printf(Locale.ROOT, "bench: %,.1f events/s, %,.0f candidates/s, end-to-end p50 %.1f ms p99 %.1f ms, online HR@10 %.4f, %.2f GFLOP/s%n",
        result.eventsPerSecond(), result.candidatesPerSecond(), result.p50Ms(), result.p99Ms(),
        result.onlineHr10(), result.gflops());
    System.out.println(result.toJson());
    return 0;
  }
}
