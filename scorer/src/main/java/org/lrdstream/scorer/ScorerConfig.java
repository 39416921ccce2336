package org.lrdstream.scorer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the scorer role can be told, with its defaults (documented in the README). Immutable;
 * {@link #from(Map)} reads {@code scorer.*} properties or {@code LRD_SCORER_*} environment
 * variables, CLI flags override through {@link #toBuilder()}.
 *
 * @param candidates items scored by the full model per event (retrieval + relation neighbours +
 *     popular items)
 * @param topK items in each recommendation
 * @param excludeSeen leave out the items of the event's history (and the event's own item)
 * @param neighbourHistory how many of the most recent history items contribute relation neighbours
 * @param layers self-attention layers used at inference (0 = all of the checkpoint's); fewer runs
 *     the first L layers only, faster and less accurate (for the benchmark's speed/quality curve)
 * @param checkpoint a checkpoint directory to serve from the start (null: wait for one on {@code
 *     model-checkpoints})
 * @param batch events scored together in one forward pass (1 = each event on its own). Waiting
 *     events are kept in a changelogged store, so a crash or rebalance loses none of them
 * @param batchWait the longest an event waits for its batch to fill before it is scored anyway
 * @param modelWorkers threads a batch's forward pass is cut across, each with one PyTorch intra-op
 *     thread (0 = the cores shared out among the stream threads: one per core with one stream
 *     thread, one per stream thread with as many stream threads as cores)
 * @param linger how long the producer of recommendations waits to fill a batch (Kafka's
 *     {@code linger.ms}): 0 sends at once, for the lowest latency at-least-once
 */
public record ScorerConfig(
    String applicationId,
    String bootstrapServers,
    Path stateDir,
    int candidates,
    int topK,
    boolean excludeSeen,
    int neighbourHistory,
    int layers,
    Path checkpoint,
    boolean exactlyOnce,
    int threads,
    Duration commitInterval,
    int batch,
    Duration batchWait,
    int modelWorkers,
    Duration linger) {

  public ScorerConfig {
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be at least 1, got " + candidates);
    }
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be at least 1, got " + topK);
    }
    if (neighbourHistory < 0) {
      throw new IllegalArgumentException("neighbour-history must be >= 0, got " + neighbourHistory);
    }
    if (layers < 0) {
      throw new IllegalArgumentException("layers must be >= 0, got " + layers);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    if (batchWait == null || batchWait.isNegative() || batchWait.isZero()) {
      throw new IllegalArgumentException("batch-wait must be a positive duration, got " + batchWait);
    }
    if (modelWorkers < 0) {
      throw new IllegalArgumentException("model-workers must be >= 0 (0 = the cores divided among the stream threads), got " + modelWorkers);
    }
    if (linger == null || linger.isNegative()) {
      throw new IllegalArgumentException("linger must be a duration >= 0, got " + linger);
    }
  }

  /** {@link #modelWorkers()} with 0 resolved: the cores divided among the stream threads, at least 1. */
  public int effectiveModelWorkers() {
    return effectiveModelWorkers(Runtime.getRuntime().availableProcessors());
  }

  /**
   * {@link #effectiveModelWorkers()} on a machine of {@code cores}: with several stream threads
   * each runs its own passes, and a pass cut across every core would make the threads wait on
   * each other (BENCHMARKS, "Where the lighter configurations' tail comes from").
   */
  public int effectiveModelWorkers(int cores) {
    return modelWorkers == 0 ? Math.max(1, cores / Math.max(1, threads)) : modelWorkers;
  }

  public static ScorerConfig defaults() {
    return new ScorerConfig("lrd-scorer", "localhost:9092",
        Path.of(System.getProperty("java.io.tmpdir"), "lrd-scorer-state"), 200, 10, true, 3, 0, null,
        true, 1, Duration.ofMillis(100), 16, Duration.ofMillis(10), 0, Duration.ofMillis(5));
  }

  /**
   * Reads keys {@code scorer.<name>} (properties file) or {@code LRD_SCORER_<NAME>} (environment),
   * names as in the README; absent keys keep the defaults.
   */
  public static ScorerConfig from(Map<String, String> source) {
    Function<String, String> get = name -> {
      var v = source.get("scorer." + name);
      if (v == null) {
        v = source.get("LRD_SCORER_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
      }
      return v == null || v.isBlank() ? null : v.trim();
    };
    var d = defaults();
    var b = d.toBuilder();
    if (get.apply("application-id") != null) b.applicationId = get.apply("application-id");
    if (get.apply("bootstrap-servers") != null) b.bootstrapServers = get.apply("bootstrap-servers");
    if (get.apply("state-dir") != null) b.stateDir = Path.of(get.apply("state-dir"));
    b.candidates = integer(get, "candidates", d.candidates);
    b.topK = integer(get, "top-k", d.topK);
    if (get.apply("exclude-seen") != null) b.excludeSeen = Boolean.parseBoolean(get.apply("exclude-seen"));
    b.neighbourHistory = integer(get, "neighbour-history", d.neighbourHistory);
    b.layers = integer(get, "layers", d.layers);
    if (get.apply("checkpoint") != null) b.checkpoint = Path.of(get.apply("checkpoint"));
    if (get.apply("exactly-once") != null) b.exactlyOnce = Boolean.parseBoolean(get.apply("exactly-once"));
    b.threads = integer(get, "threads", d.threads);
    if (get.apply("commit-interval") != null) {
      b.commitInterval = duration(get, "commit-interval");
    }
    b.batch = integer(get, "batch", d.batch);
    if (get.apply("batch-wait") != null) {
      b.batchWait = duration(get, "batch-wait");
    }
    b.modelWorkers = integer(get, "model-workers", d.modelWorkers);
    if (get.apply("linger") != null) {
      b.linger = duration(get, "linger");
    }
    return b.build();
  }

  private static Duration duration(Function<String, String> get, String name) {
    var v = get.apply(name);
    try {
      return v.chars().allMatch(Character::isDigit) ? Duration.ofMillis(Long.parseLong(v))
          : Duration.parse(v.toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("scorer." + name + " must be an ISO-8601 duration like PT0.1S or milliseconds, got '" + v + "'");
    }
  }

  private static int integer(Function<String, String> get, String name, int dflt) {
    var v = get.apply(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("scorer." + name + " must be an integer, got '" + v + "'");
    }
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A mutable copy to change a few settings (CLI flags). */
  public static final class Builder {
    public String applicationId;
    public String bootstrapServers;
    public Path stateDir;
    public int candidates;
    public int topK;
    public boolean excludeSeen;
    public int neighbourHistory;
    public int layers;
    public Path checkpoint;
    public boolean exactlyOnce;
    public int threads;
    public Duration commitInterval;
    public int batch;
    public Duration batchWait;
    public int modelWorkers;
    public Duration linger;

    Builder(ScorerConfig c) {
      applicationId = c.applicationId;
      bootstrapServers = c.bootstrapServers;
      stateDir = c.stateDir;
      candidates = c.candidates;
      topK = c.topK;
      excludeSeen = c.excludeSeen;
      neighbourHistory = c.neighbourHistory;
      layers = c.layers;
      checkpoint = c.checkpoint;
      exactlyOnce = c.exactlyOnce;
      threads = c.threads;
      commitInterval = c.commitInterval;
      batch = c.batch;
      batchWait = c.batchWait;
      modelWorkers = c.modelWorkers;
      linger = c.linger;
    }

    public ScorerConfig build() {
      return new ScorerConfig(applicationId, bootstrapServers, stateDir, candidates, topK, excludeSeen,
          neighbourHistory, layers, checkpoint, exactlyOnce, threads, commitInterval, batch, batchWait,
          modelWorkers, linger);
    }
  }

  /** The Kafka Streams configuration of this role. */
  public Properties streamsProperties() {
    var p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    // exactly-once: a user's last list (the prequential state) and the recommendation emitted from
    // it are one transaction, so a restart neither double-counts nor skips an online hit
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    // an idle stream thread wakes at least this often, so the batch-wait punctuation is on time
    p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, Math.min(100, batchWait.toMillis())));
    p.put("processing.exception.handler.global.enabled", true);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), (int) linger.toMillis());
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    return p;
  }
}
