package org.lrdstream.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.ScorerService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrd scorer}: the scorer role. Configuration is layered: defaults, then a properties file
 * ({@code scorer.*} keys), then {@code LRD_SCORER_*} environment variables, then these flags.
 */
@Command(
    name = "scorer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the scorer: top-K next items with reasons per event.",
      "Runs the scorer topology until stopped: for every sequence event, candidates (dot-product",
      "retrieval, relation neighbours, popular items) reranked by the full model, the top-K with",
      "reasons on 'recommendations'. Serves --checkpoint from the start and every newer checkpoint",
      "published on 'model-checkpoints'. Without --bootstrap-servers it starts an embedded broker."
    })
public final class ScorerCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", paramLabel = "B", description = "Kafka cluster (default: an embedded broker).")
  String bootstrapServers;

  @Option(names = "--checkpoint", paramLabel = "DIR", description = "Checkpoint directory to serve from the start (default: wait for one on model-checkpoints).")
  Path checkpoint;

  @Option(names = "--candidates", paramLabel = "N", description = "Candidates the full model scores per event (default: 200).")
  Integer candidates;

  @Option(names = "--top-k", paramLabel = "K", description = "Items per recommendation (default: 10).")
  Integer topK;

  @Option(names = "--include-seen", description = "Do not exclude the items of the user's history.")
  boolean includeSeen;

  @Option(names = "--neighbour-history", paramLabel = "H", description = "Recent history items whose relation neighbours become candidates (default: 3).")
  Integer neighbourHistory;

  @Option(names = "--layers", paramLabel = "L", description = "Self-attention layers to run, at most the checkpoint's (default: all).")
  Integer layers;

  @Option(names = "--batch", paramLabel = "B", description = "Events scored together in one forward pass (default: 16; 1 = each event alone). Waiting events are kept in a changelogged store.")
  Integer batch;

  @Option(names = "--batch-wait-ms", paramLabel = "MS", description = "Longest an event waits for its batch to fill (default: 10).")
  Long batchWaitMs;

  @Option(names = "--model-workers", paramLabel = "W", description = "Threads a batch's forward pass is cut across, each with one PyTorch intra-op thread (default: 0 = the cores divided among the stream threads: one per core with one stream thread).")
  Integer modelWorkers;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with scorer.* keys (see the README).")
  Path configFile;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where RocksDB state lives (default: <tmp>/lrd-scorer-state).")
  Path stateDir;

  @Option(names = "--threads", paramLabel = "T", description = "Stream threads (default: 1).")
  Integer threads;

  @Option(names = "--at-least-once", description = "Turn exactly-once off (lower latency; after a crash an event may be scored twice).")
  boolean atLeastOnce;

  @Option(names = "--linger-ms", paramLabel = "MS", description = "How long the producer of recommendations waits to fill a batch, Kafka's linger.ms (default: 5; 0 sends at once: the lowest latency with --at-least-once).")
  Long lingerMs;

  @Option(names = "--partitions", defaultValue = "3", paramLabel = "P", description = "Partitions of topics created on the embedded broker (default: ${DEFAULT-VALUE}).")
  int partitions;

  @picocli.CommandLine.Mixin MetricsOption metricsOption = new MetricsOption();

  @Override
  public Integer call() throws Exception {
    var config = config();
    EmbeddedKafkaBroker broker = null;
    if (bootstrapServers == null) {
      broker = EmbeddedKafkaBroker.start();
      var b = config.toBuilder();
      b.bootstrapServers = broker.bootstrapServers();
      config = b.build();
      System.out.println("embedded Kafka broker at " + broker.bootstrapServers());
    }
    ScorerService scorer;
    try {
      TopicSetup.ensureTopics(config.bootstrapServers(), partitions);
      scorer = ScorerService.start(config, Duration.ofMinutes(2));
    } catch (RuntimeException e) {
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
    MetricsOption.Served metrics;
    try {
      metrics = metricsOption.start("scorer", 9402);
    } catch (RuntimeException e) {
      scorer.close();
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
    scorer.bindMetrics(metrics.registry());
    var stopped = new CountDownLatch(1);
    var embedded = broker;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      metrics.close();
      scorer.close(); // Streams before the broker
      if (embedded != null) {
        embedded.close();
      }
      stopped.countDown();
    }, "lrd-scorer-shutdown"));
    System.out.println("scorer running on " + config.bootstrapServers() + ", "
        + (scorer.modelVersion() < 0 ? "waiting for a checkpoint on model-checkpoints" : "serving v" + scorer.modelVersion())
        + " (" + config.candidates() + " candidates, top " + config.topK() + "), " + metrics.where() + "; Ctrl-C stops it.");
    System.out.flush();
    scorer.awaitTermination();
    if (scorer.failure() != null) {
      throw new IllegalStateException("scorer stopped: " + scorer.failure().getMessage(), scorer.failure());
    }
    stopped.await();
    return 0;
  }

  ScorerConfig config() throws IOException {
    var source = new HashMap<String, String>(System.getenv());
    if (configFile != null) {
      var props = new Properties();
      try (Reader r = Files.newBufferedReader(configFile)) {
        props.load(r);
      }
      props.stringPropertyNames().forEach(k -> source.putIfAbsent(k, props.getProperty(k)));
    }
    var b = ScorerConfig.from(source).toBuilder();
    if (bootstrapServers != null) b.bootstrapServers = bootstrapServers;
    if (checkpoint != null) b.checkpoint = checkpoint;
    if (candidates != null) b.candidates = candidates;
    if (topK != null) b.topK = topK;
    if (includeSeen) b.excludeSeen = false;
    if (neighbourHistory != null) b.neighbourHistory = neighbourHistory;
    if (layers != null) b.layers = layers;
    if (batch != null) b.batch = batch;
    if (batchWaitMs != null) b.batchWait = java.time.Duration.ofMillis(batchWaitMs);
    if (modelWorkers != null) b.modelWorkers = modelWorkers;
    if (stateDir != null) b.stateDir = stateDir;
    if (threads != null) b.threads = threads;
    if (atLeastOnce) b.exactlyOnce = false;
    if (lingerMs != null) b.linger = java.time.Duration.ofMillis(lingerMs);
    var c = b.build();
    if (c.checkpoint() != null && !Files.isDirectory(c.checkpoint())) {
      throw new IllegalArgumentException("--checkpoint " + c.checkpoint() + ": no such directory");
    }
    return c;
  }
}
