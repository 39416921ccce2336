package org.lrdstream.trainer.online;

import java.nio.file.Path;
import java.time.Duration;
import org.lrdstream.model.ModelConfig;

/**
 * The online trainer's settings; defaults in {@link #defaults()} (and in the README).
 *
 * @param bootstrapServers the Kafka cluster
 * @param checkpointDir where checkpoints are written (and resumed from)
 * @param warmStart checkpoint to start from when {@code checkpointDir} holds none (null: cold)
 * @param model the model of a cold start (a warm start or a resume uses the checkpoint's)
 * @param batchSize new examples per step (at most)
 * @param maxWait the longest a step waits for its batch to fill
 * @param checkpointEverySteps publish after this many steps...
 * @param checkpointInterval ...or this long after the last checkpoint, whichever comes first
 * @param replayBufferSize examples kept for replay
 * @param replayRatio replayed examples per new example in a step
 * @param idleReplay whether to take replay-only steps while no new event waits (spare compute
 *     keeps improving the model; off by default: it keeps a core busy)
 * @param keepCheckpoints checkpoints kept in the directory (older ones are deleted)
 * @param modelName key of the checkpoint records on {@code model-checkpoints}
 * @param seed of the samplers and of new rows' initialisation
 * @param catchUpLag when more than this many events wait (consumer lag plus the pending batch),
 *     steps train on new examples only, without replay, until the trainer has caught up: the
 *     replay is the work that can wait, and it halves a step's cost (0: always replay)
 */
public record TrainerConfig(String bootstrapServers, Path checkpointDir, Path warmStart, ModelConfig model,
    int batchSize, Duration maxWait, int checkpointEverySteps, Duration checkpointInterval,
    int replayBufferSize, double replayRatio, boolean idleReplay, int keepCheckpoints, String modelName, long seed,
    int catchUpLag) {

  public TrainerConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers are required");
    }
    if (checkpointDir == null) {
      throw new IllegalArgumentException("a checkpoint directory is required");
    }
    if (model == null) {
      throw new IllegalArgumentException("a model configuration is required");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("--max-wait-ms must be positive, got " + maxWait.toMillis());
    }
    if (checkpointEverySteps < 1) {
      throw new IllegalArgumentException("--checkpoint-steps must be at least 1, got " + checkpointEverySteps);
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException("--checkpoint-seconds must be positive");
    }
    if (replayBufferSize < 0) {
      throw new IllegalArgumentException("--replay-buffer must not be negative, got " + replayBufferSize);
    }
    if (replayRatio < 0 || Double.isNaN(replayRatio)) {
      throw new IllegalArgumentException("--replay-ratio must not be negative, got " + replayRatio);
    }
    if (catchUpLag < 0) {
      throw new IllegalArgumentException("--catch-up-lag must not be negative, got " + catchUpLag);
    }
    if (keepCheckpoints < 1) {
      throw new IllegalArgumentException("--keep-checkpoints must be at least 1, got " + keepCheckpoints);
    }
  }

  /** The model of a cold start when none is named: the paper's best, KDA+LRD. */
  public static final String DEFAULT_MODEL = "kda+lrd";

  /** Every default (see the README), for a cluster and a checkpoint directory. */
  public static TrainerConfig defaults(String bootstrapServers, Path checkpointDir) {
    return new TrainerConfig(bootstrapServers, checkpointDir, null, ModelConfig.forName(DEFAULT_MODEL), 256,
        Duration.ofMillis(500), 100, Duration.ofSeconds(2), 100_000, 1.0, false, 3, "lrd", 1, 256);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A mutable copy to change some settings of. */
  public static final class Builder {
    public String bootstrapServers;
    public Path checkpointDir;
    public Path warmStart;
    public ModelConfig model;
    public int batchSize;
    public Duration maxWait;
    public int checkpointEverySteps;
    public Duration checkpointInterval;
    public int replayBufferSize;
    public double replayRatio;
    public boolean idleReplay;
    public int keepCheckpoints;
    public String modelName;
    public long seed;
    public int catchUpLag;

    private Builder(TrainerConfig c) {
      bootstrapServers = c.bootstrapServers;
      checkpointDir = c.checkpointDir;
      warmStart = c.warmStart;
      model = c.model;
      batchSize = c.batchSize;
      maxWait = c.maxWait;
      checkpointEverySteps = c.checkpointEverySteps;
      checkpointInterval = c.checkpointInterval;
      replayBufferSize = c.replayBufferSize;
      replayRatio = c.replayRatio;
      idleReplay = c.idleReplay;
      keepCheckpoints = c.keepCheckpoints;
      modelName = c.modelName;
      seed = c.seed;
      catchUpLag = c.catchUpLag;
    }

    public TrainerConfig build() {
      return new TrainerConfig(bootstrapServers, checkpointDir, warmStart, model, batchSize, maxWait,
          checkpointEverySteps, checkpointInterval, replayBufferSize, replayRatio, idleReplay, keepCheckpoints,
          modelName, seed, catchUpLag);
    }
  }
}
