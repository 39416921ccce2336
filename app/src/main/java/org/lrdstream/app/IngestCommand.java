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
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.IngestService;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrd ingest}: the ingest role. Configuration is layered: defaults, then a properties file
 * ({@code ingest.*} keys), then {@code LRD_INGEST_*} environment variables, then these flags.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Runs the ingest topology (validation, de-duplication, per-user histories, catalog) until stopped. Without --bootstrap-servers it starts an embedded broker first.")
public final class IngestCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", description = "Kafka cluster (default: an embedded broker).")
  String bootstrapServers;

  @Option(names = "--config", description = "Properties file with ingest.* keys (see the README).")
  Path configFile;

  @Option(names = "--state-dir", description = "Where RocksDB state lives (default: <tmp>/lrd-state).")
  Path stateDir;

  @Option(names = "--history-length", description = "Items kept per user (default: 20).")
  Integer historyLength;

  @Option(names = "--grace", description = "Out-of-order tolerance, ISO-8601 or ms (default: PT1H).")
  String grace;

  @Option(names = "--dedup-window", description = "Event-id de-duplication window (default: PT1H).")
  String dedupWindow;

  @Option(names = "--max-future-skew", description = "Largest accepted future event time (default: PT10M).")
  String maxFutureSkew;

  @Option(names = "--max-record-bytes", description = "Larger records go to the DLQ (default: 65536).")
  Integer maxRecordBytes;

  @Option(names = "--threads", description = "Stream threads (default: 1).")
  Integer threads;

  @Option(names = "--at-least-once", description = "Turn exactly-once off (faster, may repeat events after a crash).")
  boolean atLeastOnce;

  @Option(names = "--linger-ms", description = "How long the producer of sequence events waits to fill a batch, Kafka's linger.ms (default: 5; 0 sends at once: the lowest latency with --at-least-once).")
  Long lingerMs;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of topics created on the embedded broker (default: ${DEFAULT-VALUE}).")
  int partitions;

  @picocli.CommandLine.Mixin MetricsOption metricsOption = new MetricsOption();

  @Override
  public Integer call() throws Exception {
    var config = config();
    EmbeddedKafkaBroker broker = null;
    if (bootstrapServers == null) {
      broker = EmbeddedKafkaBroker.start();
      config = config.withBootstrapServers(broker.bootstrapServers());
      System.out.println("embedded Kafka broker at " + broker.bootstrapServers());
    }
    TopicSetup.ensureTopics(config.bootstrapServers(), partitions);
    var ingest = IngestService.start(config, Duration.ofMinutes(2));
    MetricsOption.Served metrics;
    try {
      metrics = metricsOption.start("ingest", 9401);
    } catch (RuntimeException e) {
      ingest.close();
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
    ingest.bindMetrics(metrics.registry());
    var stopped = new CountDownLatch(1);
    var embedded = broker;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      metrics.close();
      ingest.close(); // Streams before the broker, or the close waits on a broker that is gone
      if (embedded != null) {
        embedded.close();
      }
      stopped.countDown();
    }, "lrd-ingest-shutdown"));
    System.out.println("ingest running on " + config.bootstrapServers() + " (state in "
        + config.stateDir() + "), " + metrics.where() + "; Ctrl-C stops it.");
    System.out.flush();
    ingest.awaitTermination();
    if (ingest.failure() != null) {
      throw new IllegalStateException("ingest stopped: " + ingest.failure().getMessage(), ingest.failure());
    }
    stopped.await();
    return 0;
  }

  IngestConfig config() throws IOException {
    var source = new HashMap<String, String>(System.getenv());
    if (configFile != null) {
      var props = new Properties();
      try (Reader r = Files.newBufferedReader(configFile)) {
        props.load(r);
      }
      props.stringPropertyNames().forEach(k -> source.putIfAbsent(k, props.getProperty(k)));
    }
    var c = IngestConfig.from(source);
    if (bootstrapServers != null) {
      c = c.withBootstrapServers(bootstrapServers);
    }
    if (stateDir != null) {
      c = c.withStateDir(stateDir);
    }
    if (historyLength != null) {
      c = c.withHistoryLength(historyLength);
    }
    if (grace != null) {
      c = c.withGrace(IngestConfig.parseDuration(grace, "--grace"));
    }
    if (dedupWindow != null) {
      c = c.withDedupWindow(IngestConfig.parseDuration(dedupWindow, "--dedup-window"));
    }
    if (maxFutureSkew != null) {
      c = c.withMaxFutureSkew(IngestConfig.parseDuration(maxFutureSkew, "--max-future-skew"));
    }
    if (maxRecordBytes != null) {
      c = c.withMaxRecordBytes(maxRecordBytes);
    }
    if (threads != null) {
      c = c.withThreads(threads);
    }
    if (atLeastOnce) {
      c = c.withExactlyOnce(false);
    }
    if (lingerMs != null) {
      c = c.withLinger(java.time.Duration.ofMillis(lingerMs));
    }
    return c;
  }
}
