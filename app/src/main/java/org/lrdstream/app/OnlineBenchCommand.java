package org.lrdstream.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lrdstream.encoder.EncoderOptions;
import org.lrdstream.encoder.TextEncoders;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.trainer.bench.OnlineBenchmark;
import org.lrdstream.trainer.online.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd bench online}: the online trainer's quality, freshness and speed on a replayed data set. */
@Command(
    name = "online",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "The online trainer's test quality, freshness and examples/s on a replayed data set.",
      "Starts an embedded broker, ingest and the online trainer (cold, or warm from CKPT), replays "
          + "the data set's train and dev interactions in time order, then evaluates the trainer's "
          + "last checkpoint on the test split with the paper's protocol. Reports test "
          + "HR/NDCG@5/10, freshness p50/p99 (broker append of an event to the announcement of the "
          + "first checkpoint trained on it), examples/s and the number of checkpoints. Prints one "
          + "JSON object as its last line."
    })
public final class OnlineBenchCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data set directory (ReChorus format).")
  Path data;

  @Option(names = "--warm-start", paramLabel = "CKPT", description = "Start from this offline checkpoint of the data set (lrd experiment's OUT/checkpoints/<model>-seed<N>); default: cold.")
  Path warmStart;

  @Option(names = "--rate", defaultValue = "1000", paramLabel = "R", description = "Events per second to replay at (0 = as fast as possible). Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = "--model", defaultValue = TrainerConfig.DEFAULT_MODEL, paramLabel = "NAME", description = "Model of a cold start. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--batch-size", defaultValue = "256", paramLabel = "N", description = "New examples per step (at most). Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--max-wait-ms", defaultValue = "500", paramLabel = "MS", description = "Longest wait for a batch to fill. Default: ${DEFAULT-VALUE}.")
  long maxWaitMs;

  @Option(names = "--checkpoint-steps", defaultValue = "100", paramLabel = "N", description = "Checkpoint every N steps... Default: ${DEFAULT-VALUE}.")
  int checkpointSteps;

  @Option(names = "--checkpoint-seconds", defaultValue = "2", paramLabel = "T", description = "...or T seconds. Default: ${DEFAULT-VALUE}.")
  double checkpointSeconds;

  @Option(names = "--replay-buffer", defaultValue = "100000", paramLabel = "N", description = "Examples kept for replay. Default: ${DEFAULT-VALUE}.")
  int replayBuffer;

  @Option(names = "--replay-ratio", defaultValue = "1", paramLabel = "X", description = "Replayed examples per new example. Default: ${DEFAULT-VALUE}.")
  double replayRatio;

  @Option(names = "--settle-seconds", defaultValue = "0", paramLabel = "S",
      description = "After the last event is trained, let the trainer run S more seconds (with --idle-replay: replay-only steps) before its last checkpoint. Default: ${DEFAULT-VALUE}.")
  double settleSeconds;

  @Option(names = "--eval-every-seconds", defaultValue = "0", paramLabel = "S",
      description = "While settling, evaluate the newest checkpoint on the test split every S seconds (and once when the last event is trained), printed as it goes and in the JSON's settle_curve: how quality moves with more replay. 0: only the last checkpoint. Default: ${DEFAULT-VALUE}.")
  double evalEverySeconds;

  @Option(names = "--catch-up-lag", defaultValue = "256", paramLabel = "N",
      description = "While more than N events wait (consumer lag plus the pending batch), steps train on new examples only, without replay, until caught up (0: always replay). Default: ${DEFAULT-VALUE}.")
  int catchUpLag;

  @Option(names = "--idle-replay", description = "While no new event waits, keep training on the replay buffer (uses the spare CPU).")
  boolean idleReplay;

  @Option(names = "--encoder", defaultValue = TextEncoders.DEFAULT_SPEC, paramLabel = "SPEC", description = "Text encoder (a warm start needs its checkpoint's). Default: ${DEFAULT-VALUE}.")
  String encoder;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Text vector cache. Default: $LRD_CACHE_DIR or ~/.cache/lrd-stream.")
  Path cacheDir;

  @Option(names = "--partitions", defaultValue = "3", paramLabel = "P", description = "Partitions per topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the trainer. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (!java.nio.file.Files.isDirectory(data)) {
      throw new IllegalArgumentException("--data " + data + ": no such directory");
    }
    if (warmStart != null && !java.nio.file.Files.isDirectory(warmStart)) {
      throw new IllegalArgumentException("--warm-start " + warmStart + ": no such checkpoint directory");
    }
    if (settleSeconds < 0) {
      throw new IllegalArgumentException("--settle-seconds must not be negative, got " + settleSeconds);
    }
    if (evalEverySeconds < 0) {
      throw new IllegalArgumentException("--eval-every-seconds must not be negative, got " + evalEverySeconds);
    }
    if (rate < 0) {
      throw new IllegalArgumentException("--rate must not be negative, got " + rate);
    }
    var config = new TrainerConfig("embedded", Path.of("embedded"), null, ModelConfig.forName(model), batchSize,
        Duration.ofMillis(maxWaitMs), checkpointSteps, Duration.ofMillis(Math.round(checkpointSeconds * 1000)),
        replayBuffer, replayRatio, idleReplay, 3, "lrd", seed, catchUpLag);
    var cache = (cacheDir == null ? ExperimentCommand.defaultCacheDir() : cacheDir).resolve("text-vectors");
    try (var text = TextEncoders.open(encoder, cache, EncoderOptions.defaults())) {
      var r = OnlineBenchmark.run(data, warmStart, config, text, partitions, rate,
          Duration.ofMillis(Math.round(settleSeconds * 1000)), Duration.ofMillis(Math.round(evalEverySeconds * 1000)), line -> System.err.println("bench: " + line));
      System.err.printf(Locale.ROOT, "bench: %s start, %d events, %,.1f examples/s, freshness p50 %.0f ms p99 %.0f ms, %d checkpoints, test %s%n",
          r.start(), r.events(), r.examplesPerSecond(), r.freshnessP50Ms(), r.freshnessP99Ms(), r.checkpoints(), r.test());
      System.out.println(r.toJson());
      return 0;
    }
  }
}
