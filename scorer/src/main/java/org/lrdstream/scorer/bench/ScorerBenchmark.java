package org.lrdstream.scorer.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.IngestService;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.ingest.replay.ReplayPlan;
import org.lrdstream.ingest.replay.Replayer;
import org.lrdstream.model.CheckpointIds;
import org.lrdstream.model.FlopCount;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.ScorerService;
import org.lrdstream.scorer.serving.ServingModel;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Topics;
import org.lrdstream.state.checkpoint.CheckpointException;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.records.InteractionCodec;
import org.lrdstream.state.records.RecordSerdes;

/**
 * The scorer end to end on this machine: an embedded broker, ingest and the scorer in one JVM, a
 * data set's events replayed (as fast as possible or at a fixed rate), each event timed from the
 * moment the broker appended it to {@code interactions} (the topic is switched to log-append time)
 * until its recommendation is readable by a read_committed consumer. Not a test: the numbers go to
 * BENCHMARKS.md.
 */
public final class ScorerBenchmark {
  private ScorerBenchmark() {}

  /** What one run measured; {@link #toJson()} is the line {@code lrd bench scorer} prints. */
  public record Result(String dataset, long events, long recommendations, int candidates, int layers,
      double seconds, double eventsPerSecond, double candidatesPerSecond, double meanCandidates,
      double p50Ms, double p99Ms, double scoringP50Ms, double scoringP99Ms, double onlineHr10,
      double onlineNdcg10, long onlineEvaluated, double gflops, double peakGflops, double rate,
      long modelVersion, int cores, int batch, double meanBatch, int latencySkipped, int latencyEvents, int modelWorkers) {
    public String toJson() {
      return String.format(Locale.ROOT,
          "{\"benchmark\":\"scorer\",\"dataset\":\"%s\",\"events\":%d,\"recommendations\":%d,"
              + "\"candidates\":%d,\"layers\":%d,\"seconds\":%.3f,\"events_per_second\":%.1f,"
              + "\"candidates_per_second\":%.1f,\"mean_candidates\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,"
              + "\"scoring_p50_ms\":%.2f,\"scoring_p99_ms\":%.2f,\"online_hr10\":%.4f,\"online_ndcg10\":%.4f,"
              + "\"online_evaluated\":%d,\"gflops\":%.2f,\"peak_share\":%.4f,\"peak_gflops\":%.1f,\"rate\":%.1f,"
              + "\"model_version\":%d,\"cores\":%d,\"batch\":%d,\"mean_batch\":%.2f,"
              + "\"latency_skipped_events\":%d,\"latency_events\":%d,\"model_workers\":%d}",
          dataset.replace("\"", ""), events, recommendations, candidates, layers, seconds, eventsPerSecond,
          candidatesPerSecond, meanCandidates, p50Ms, p99Ms, scoringP50Ms, scoringP99Ms, onlineHr10,
          onlineNdcg10, onlineEvaluated, gflops, gflops / peakGflops, peakGflops, rate, modelVersion, cores, batch, meanBatch, latencySkipped, latencyEvents, modelWorkers);
    }
  }

  /**
   * @param maxEvents replay only the first this many events in time order (0 = all)
   * @param rate events per second to replay at (0 = as fast as possible)
   * @param skipLatencyEvents leave the first this many events out of the end-to-end percentiles (the
   *     system's start: consumer groups settling, a cold JVM); throughput still counts every event
   */
  public static Result run(Path data, Path checkpointDir, ScorerConfig base, int partitions, int maxEvents,
      double rate, double peakGflops, int skipLatencyEvents, Consumer<String> log) throws Exception {
    return run(data, checkpointDir, base, partitions, maxEvents, rate, peakGflops, skipLatencyEvents, null, log);
  }

  /**
   * As {@link #run(Path, Path, ScorerConfig, int, int, double, double, int, Consumer)}, and when
   * {@code latencyTrace} is not null writes every event's end-to-end latency to it as CSV ({@code
   * event_id,appended_ms,recommended_ms,latency_ms}, in append order): where the tail comes from.
   */
  public static Result run(Path data, Path checkpointDir, ScorerConfig base, int partitions, int maxEvents,
      double rate, double peakGflops, int skipLatencyEvents, Path latencyTrace, Consumer<String> log) throws Exception {
    if (!Files.isDirectory(checkpointDir)) {
      throw new CheckpointException("checkpoint directory " + checkpointDir + " does not exist");
    }
    var dataset = ReChorusReader.read(data);
    var checkpoint = CheckpointIds.withReplayItemIds(CheckpointFiles.read(checkpointDir), dataset);
    var full = ReplayPlan.of(dataset);
    var plan = maxEvents > 0 && maxEvents < full.interactions().size()
        ? new ReplayPlan(full.dataset(), full.items(), full.interactions().subList(0, maxEvents)) : full;
    log.accept("read " + plan.dataset() + ": " + plan.items().size() + " items, "
        + plan.interactions().size() + " interactions to replay; checkpoint v" + checkpoint.version());
    var model = ServingModel.load(checkpoint, base.layers());
    int layers = model.config().layers();
    double flopsPerCandidate = FlopCount.perPair(model.config(), model.relationCount(), model.config().historyMax());
    // a baseline encodes each event's history once for all its candidates (0 for RCF and KDA)
    double flopsPerHistory = FlopCount.perHistory(model.config(), model.config().historyMax());
    var ingestState = Files.createTempDirectory("lrd-bench-ingest-");
    var scorerState = Files.createTempDirectory("lrd-bench-scorer-");
    try (var broker = EmbeddedKafkaBroker.start()) {
      var bootstrap = broker.bootstrapServers();
      TopicSetup.ensureTopics(bootstrap, partitions);
      TopicSetup.useLogAppendTime(bootstrap, Topics.INTERACTIONS);
      // ingest commits as the scorer does (exactly-once or not, and how often), and lingers as it does:
      // both bound the latency
      var ingestConfig = IngestConfig.defaults().withBootstrapServers(bootstrap).withStateDir(ingestState)
          .withExactlyOnce(base.exactlyOnce()).withCommitInterval(base.commitInterval()).withLinger(base.linger());
      var sb = base.toBuilder();
      sb.bootstrapServers = bootstrap;
      sb.stateDir = scorerState;
      var config = sb.build();
      try (var ingest = IngestService.start(ingestConfig, Duration.ofSeconds(120));
          var scorer = ScorerService.start(config, model, Duration.ofSeconds(120));
          var watcher = new RecommendationWatcher(bootstrap)) {
        log.accept("broker, ingest and scorer up; replaying" + (rate > 0 ? " at " + rate + " events/s" : ""));
        long t0 = System.nanoTime();
        new Replayer(bootstrap).replay(plan, rate, Replayer.Progress.NONE);
        long expected = plan.interactions().size();
        watcher.awaitCount(expected, () -> {
          if (ingest.failure() != null) {
            throw new IllegalStateException("ingest failed: " + ingest.failure(), ingest.failure());
          }
          if (scorer.failure() != null) {
            throw new IllegalStateException("scorer failed: " + scorer.failure(), scorer.failure());
          }
        }, log);
        double seconds = (watcher.lastArrivalNanos() - t0) / 1e9;
        var metrics = scorerMetrics(scorer);
        double candidatesTotal = metrics.getOrDefault(MetricNames.CANDIDATES + "-total", 0.0);
        double recs = metrics.getOrDefault(MetricNames.RECOMMENDATIONS + "-total", 0.0);
        double hitCount = metrics.getOrDefault(MetricNames.ONLINE_HIT10 + "-count", 0.0);
        var skipped = new java.util.HashSet<String>();
        for (int k = 0; k < Math.min(skipLatencyEvents, plan.interactions().size()); k++) {
          skipped.add(plan.interactions().get(k).eventId());
        }
        var lat = watcher.latencies(skipped);
        if (latencyTrace != null) {
          watcher.writeTrace(latencyTrace);
          log.accept("latency trace written to " + latencyTrace);
        }
        return new Result(plan.dataset(), expected, watcher.count(), config.candidates(), layers, seconds,
            expected / seconds, candidatesTotal / seconds, candidatesTotal / Math.max(1, recs),
            percentile(lat, 50), percentile(lat, 99),
            metrics.getOrDefault(MetricNames.SCORING_LATENCY + "-p50", Double.NaN),
            metrics.getOrDefault(MetricNames.SCORING_LATENCY + "-p99", Double.NaN),
            metrics.getOrDefault(MetricNames.ONLINE_HIT10 + "-sum", 0.0) / Math.max(1, hitCount),
            metrics.getOrDefault(MetricNames.ONLINE_NDCG10 + "-sum", 0.0) / Math.max(1, hitCount),
            (long) hitCount, (flopsPerCandidate * candidatesTotal + flopsPerHistory * recs) / seconds / 1e9, peakGflops, rate,
            scorer.modelVersion(), Runtime.getRuntime().availableProcessors(), config.batch(),
            metrics.getOrDefault(MetricNames.BATCH_SIZE + "-avg", 1.0), skipped.size(), lat.length,
            config.effectiveModelWorkers());
      }
    } finally {
      deleteTree(ingestState);
      deleteTree(scorerState);
    }
  }

  private static Map<String, Double> scorerMetrics(ScorerService scorer) {
    var out = new java.util.HashMap<String, Double>();
    scorer.streams().metrics().forEach((name, metric) -> {
      if (name.group().equals(MetricNames.SCORER_GROUP) && metric.metricValue() instanceof Number v) {
        out.merge(name.name(), v.doubleValue(), Double::sum);
      }
    });
    return out;
  }

  static double percentile(long[] sortedMicros, double p) {
    if (sortedMicros.length == 0) {
      return Double.NaN;
    }
    int at = (int) Math.ceil(p / 100 * sortedMicros.length) - 1;
    return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, at))] / 1000.0;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /**
   * Reads {@code interactions} (log-append time: when the broker took each event) and {@code
   * recommendations} (read_committed: when each list became visible) in its own thread; an event's
   * end-to-end latency is the difference, matched by event id ({@code after_event}).
   */
  private static final class RecommendationWatcher implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong count = new AtomicLong();
    private volatile long lastArrival;
    private volatile boolean stop;
    private volatile Throwable failure;
    private final Map<String, Long> appended = new java.util.HashMap<>();
    private final Map<String, Long> recommended = new java.util.HashMap<>();
    private final Map<String, Long> sequenced = new java.util.HashMap<>();

    RecommendationWatcher(String bootstrap) {
      var p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      var recommendations = RecordSerdes.recommendation().deserializer();
      var sequenceEvents = RecordSerdes.sequenceEvent().deserializer();
      thread = new Thread(() -> {
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
          var parts = new ArrayList<TopicPartition>();
          for (var topic : List.of(Topics.INTERACTIONS, Topics.SEQUENCE_EVENTS, Topics.RECOMMENDATIONS)) {
            consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
          }
          consumer.assign(parts);
          consumer.seekToBeginning(parts);
          while (!stop) {
            var records = consumer.poll(Duration.ofMillis(20));
            long now = System.currentTimeMillis();
            long nowNanos = System.nanoTime();
            int recs = 0;
            synchronized (appended) {
              for (var r : records) {
                if (r.topic().equals(Topics.INTERACTIONS)) {
                  appended.put(InteractionCodec.decode(r.value()).eventId(), r.timestamp());
                } else if (r.topic().equals(Topics.SEQUENCE_EVENTS)) {
                  var id = sequenceEvents.deserialize(r.topic(), r.value()).eventId();
                  if (id != null) {
                    sequenced.putIfAbsent(id, now);
                  }
                } else {
                  recommended.putIfAbsent(recommendations.deserialize(r.topic(), r.value()).afterEvent(), now);
                  recs++;
                }
              }
            }
            if (recs > 0) {
              lastArrival = nowNanos;
              count.addAndGet(recs);
            }
          }
        } catch (Throwable t) {
          failure = t;
        }
      }, "lrd-bench-recommendations");
      thread.setDaemon(true);
      thread.start();
    }

    long count() {
      return count.get();
    }

    long lastArrivalNanos() {
      return lastArrival;
    }

    /** End-to-end latencies in microseconds (ms resolution), sorted, of the events not in {@code skip}. */
    long[] latencies(java.util.Set<String> skip) {
      synchronized (appended) {
        var a = recommended.entrySet().stream().filter(e -> appended.containsKey(e.getKey()) && !skip.contains(e.getKey()))
            .mapToLong(e -> (e.getValue() - appended.get(e.getKey())) * 1000).toArray();
        Arrays.sort(a);
        return a;
      }
    }

    /**
     * Every matched event as CSV, in append order: event_id,appended_ms,recommended_ms,latency_ms,
     * sequenced_ms (when this reader saw the event's sequence event: ingest's hop ends there; empty
     * if it did not see one).
     */
    void writeTrace(Path file) throws java.io.IOException {
      var lines = new ArrayList<String>();
      lines.add("event_id,appended_ms,recommended_ms,latency_ms,sequenced_ms");
      synchronized (appended) {
        recommended.entrySet().stream().filter(e -> appended.containsKey(e.getKey()))
            .sorted(Comparator.comparingLong(e -> appended.get(e.getKey())))
            .forEach(e -> {
              long at = appended.get(e.getKey());
              var seq = sequenced.get(e.getKey());
              lines.add(e.getKey() + "," + at + "," + e.getValue() + "," + (e.getValue() - at) + "," + (seq == null ? "" : seq));
            });
      }
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.write(file, lines);
    }

    void awaitCount(long expected, Runnable check, Consumer<String> log) throws InterruptedException {
      long last = -1;
      long lastChange = System.nanoTime();
      long lastLog = System.nanoTime();
      while (count.get() < expected) {
        if (failure != null) {
          throw new IllegalStateException("reading recommendations failed: " + failure, failure);
        }
        check.run();
        long n = count.get();
        if (n != last) {
          last = n;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > Duration.ofSeconds(120).toNanos()) {
          throw new IllegalStateException("no recommendation for 120 s at " + n + " of " + expected + " events");
        }
        if (System.nanoTime() - lastLog > Duration.ofSeconds(10).toNanos()) {
          lastLog = System.nanoTime();
          log.accept(n + " of " + expected + " recommendations");
        }
        Thread.sleep(20);
      }
      Thread.sleep(200); // the interactions of the last events, if that poll has not returned them yet
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(5_000);
    }
  }
}
