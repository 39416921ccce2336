package org.lrdstream.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.lrdstream.encoder.EncoderOptions;
import org.lrdstream.encoder.TextEncoders;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.state.records.CheckpointMetadata;
import org.lrdstream.model.LrdModel;
import org.lrdstream.trainer.online.OnlineTrainer;
import org.lrdstream.trainer.online.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd trainer}: the online trainer role. */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains the model online from 'sequence-events', publishing checkpoints.",
      "Runs until stopped: micro-batches of sequence events (BPR, KGE and LRD losses), tables grown "
          + "for new users, items and attribute values, checkpoints written to --checkpoint-dir and "
          + "announced on 'model-checkpoints'. Resumes from the newest intact checkpoint of "
          + "--checkpoint-dir; else starts from --warm-start; else cold. Without --bootstrap-servers "
          + "it starts an embedded broker."
    })
public final class TrainerCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", paramLabel = "B", description = "Kafka cluster (default: an embedded broker).")
  String bootstrapServers;

  @Option(names = "--warm-start", paramLabel = "CKPT",
      description = "Checkpoint directory to start from when --checkpoint-dir holds none: one of lrd experiment (OUT/checkpoints/<model>-seed<N>) or of an earlier trainer.")
  Path warmStart;

  @Option(names = "--checkpoint-dir", defaultValue = "lrd-checkpoints", paramLabel = "D",
      description = "Where checkpoints are written (v<version>/ each) and resumed from. Default: ${DEFAULT-VALUE}.")
  Path checkpointDir;

  @Option(names = "--model", defaultValue = TrainerConfig.DEFAULT_MODEL, paramLabel = "NAME",
      description = "Model of a cold start, as lrd experiment names them (kda+lrd, rcf+lrd, kda, ...). Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--batch-size", defaultValue = "256", paramLabel = "N", description = "New examples per step (at most). Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--max-wait-ms", defaultValue = "500", paramLabel = "MS", description = "Longest wait for a batch to fill before training on what came. Default: ${DEFAULT-VALUE}.")
  long maxWaitMs;

  @Option(names = "--checkpoint-steps", defaultValue = "100", paramLabel = "N", description = "Publish a checkpoint every N steps... Default: ${DEFAULT-VALUE}.")
  int checkpointSteps;

  @Option(names = "--checkpoint-seconds", defaultValue = "2", paramLabel = "T", description = "...or T seconds after the last one, whichever comes first. Default: ${DEFAULT-VALUE}.")
  double checkpointSeconds;

  @Option(names = "--keep-checkpoints", defaultValue = "3", paramLabel = "K", description = "Checkpoints kept in --checkpoint-dir. Default: ${DEFAULT-VALUE}.")
  int keepCheckpoints;

  @Option(names = "--replay-buffer", defaultValue = "100000", paramLabel = "N", description = "Examples kept for replay (a uniform sample of all trained). Default: ${DEFAULT-VALUE}.")
  int replayBuffer;

  @Option(names = "--replay-ratio", defaultValue = "1", paramLabel = "X", description = "Replayed examples per new example in a step. Default: ${DEFAULT-VALUE}.")
  double replayRatio;

  @Option(names = "--catch-up-lag", defaultValue = "256", paramLabel = "N",
      description = "While more than N events wait (consumer lag plus the pending batch), steps train on new examples only, without replay, until caught up (0: always replay). Default: ${DEFAULT-VALUE}.")
  int catchUpLag;

  @Option(names = "--idle-replay", description = "While no new event waits, keep training on the replay buffer (uses the spare CPU).")
  boolean idleReplay;

  @Option(names = "--encoder", defaultValue = TextEncoders.DEFAULT_SPEC, paramLabel = "SPEC",
      description = "Text encoder of new items (as lrd experiment; a warm start needs the one its checkpoint used). Default: ${DEFAULT-VALUE}.")
  String encoder;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Text vector cache. Default: $LRD_CACHE_DIR or ~/.cache/lrd-stream.")
  Path cacheDir;

  @Option(names = "--model-name", defaultValue = "lrd", paramLabel = "NAME", description = "Key of the records on model-checkpoints. Default: ${DEFAULT-VALUE}.")
  String modelName;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the samplers and of new rows. Default: ${DEFAULT-VALUE}.")
  long seed;

  @picocli.CommandLine.Mixin MetricsOption metricsOption = new MetricsOption();

  @Option(names = "--partitions", defaultValue = "3", paramLabel = "P", description = "Partitions of topics created on the embedded broker. Default: ${DEFAULT-VALUE}.")
  int partitions;

  TrainerConfig config(String bootstrap) {
    return new TrainerConfig(bootstrap, checkpointDir, warmStart, ModelConfig.forName(model), batchSize,
        Duration.ofMillis(maxWaitMs), checkpointSteps, Duration.ofMillis(Math.round(checkpointSeconds * 1000)),
        replayBuffer, replayRatio, idleReplay, keepCheckpoints, modelName, seed, catchUpLag);
  }

  @Override
  public Integer call() throws Exception {
    if (warmStart != null && !java.nio.file.Files.isDirectory(warmStart)) {
      throw new IllegalArgumentException("--warm-start " + warmStart + ": no such checkpoint directory");
    }
    config("validation"); // flag errors before a broker or an encoder starts
    EmbeddedKafkaBroker broker = null;
    var bootstrap = bootstrapServers;
    if (bootstrap == null) {
      broker = EmbeddedKafkaBroker.start();
      bootstrap = broker.bootstrapServers();
      System.out.println("embedded Kafka broker at " + bootstrap);
    }
    var embedded = broker;
    var cache = (cacheDir == null ? ExperimentCommand.defaultCacheDir() : cacheDir).resolve("text-vectors");
    try (var text = TextEncoders.open(encoder, cache, EncoderOptions.defaults());
        var metrics = metricsOption.start("trainer", 9403)) {
      TopicSetup.ensureTopics(bootstrap, partitions);
      var trainer = OnlineTrainer.start(config(bootstrap), text, metrics.registry(), new Log(), Duration.ofMinutes(5));
      var stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        trainer.close(); // a last checkpoint of what was trained since the previous one
        stopped.countDown();
      }, "lrd-trainer-shutdown"));
      System.out.println("trainer running on " + bootstrap + ", checkpoints in " + checkpointDir.toAbsolutePath()
          + ", " + metrics.where() + "; Ctrl-C stops it.");
      System.out.flush();
      trainer.awaitTermination();
      if (trainer.failure() != null) {
        throw new IllegalStateException("trainer stopped: " + trainer.failure().getMessage(), trainer.failure());
      }
      stopped.await();
      return 0;
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /** One line per checkpoint on stderr. */
  private static final class Log implements OnlineTrainer.Listener {
    @Override
    public void started(long version, Map<String, Long> offsets, String from) {
      System.err.println("trainer: started from " + from + (offsets.isEmpty() ? "" : ", offsets " + offsets));
    }

    @Override
    public void checkpointPublished(CheckpointMetadata meta, LrdModel model) {
      System.err.printf("trainer: checkpoint v%d %s (%s)%n", meta.version(), meta.path(), meta.metrics());
    }

    @Override
    public void checkpointRefused(long version, String reason) {
      System.err.println("trainer: refused checkpoint v" + version + ": " + reason);
    }
  }
}
