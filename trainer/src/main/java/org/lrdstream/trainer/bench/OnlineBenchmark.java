package org.lrdstream.trainer.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.encoder.TextEncoder;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.IngestService;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.ingest.replay.ReplayPlan;
import org.lrdstream.ingest.replay.Replayer;
import org.lrdstream.model.CheckpointIds;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.state.Topics;
import org.lrdstream.state.checkpoint.CheckpointException;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.DurableFiles;
import org.lrdstream.state.records.CheckpointMetadata;
import org.lrdstream.state.records.InteractionCodec;
import org.lrdstream.state.records.RecordRejectedException;
import org.lrdstream.trainer.offline.Metrics;
import org.lrdstream.trainer.online.OnlineTrainer;
import org.lrdstream.trainer.online.TrainerConfig;
import org.lrdstream.trainer.step.JointStep;

/**
 * The online trainer end to end on this machine: an embedded broker, ingest and the trainer in one
 * JVM; a data set's training and dev interactions replayed in time order (at a fixed rate or as
 * fast as possible); then the trainer's last checkpoint evaluated on the test split with the
 * paper's protocol. Freshness is, for each event, the time from the broker appending it to {@code
 * interactions} (log-append time) until the first checkpoint that trained on it was announced. Not
 * a test: the numbers go to BENCHMARKS.md.
 */
public final class OnlineBenchmark {
  private OnlineBenchmark() {}

  /** What one run measured; {@link #toJson()} is the line {@code lrd bench online} prints. */
  public record Result(String dataset, String start, long events, long examples, long replayed, long steps,
      int checkpoints, long lastVersion, double seconds, double examplesPerSecond, double freshnessP50Ms,
      double freshnessP99Ms, long freshnessEvents, Metrics test, double stepP50Ms, double stepP99Ms,
      double meanNewPerStep, double rate, int batchSize, double settleSeconds, boolean idleReplay, int cores,
      List<CurvePoint> settleCurve) {
    public String toJson() {
      var curve = new StringBuilder("[");
      for (var p : settleCurve) {
        curve.append(curve.length() > 1 ? "," : "").append(p.toJson());
      }
      curve.append(']');
      return String.format(Locale.ROOT,
          "{\"benchmark\":\"online\",\"dataset\":\"%s\",\"start\":\"%s\",\"events\":%d,\"examples\":%d,"
              + "\"replayed\":%d,\"steps\":%d,\"checkpoints\":%d,\"last_version\":%d,\"seconds\":%.3f,"
              + "\"examples_per_second\":%.1f,\"freshness_p50_ms\":%.1f,\"freshness_p99_ms\":%.1f,"
              + "\"freshness_events\":%d,\"test\":{\"HR@5\":%.4f,\"NDCG@5\":%.4f,\"HR@10\":%.4f,\"NDCG@10\":%.4f},"
              + "\"step_p50_ms\":%.1f,\"step_p99_ms\":%.1f,\"mean_new_per_step\":%.1f,"
              + "\"rate\":%.1f,\"batch_size\":%d,\"settle_seconds\":%.0f,\"idle_replay\":%s,\"cores\":%d,"
              + "\"settle_curve\":%s}",
          dataset.replace("\"", ""), start, events, examples, replayed, steps, checkpoints, lastVersion, seconds,
          examplesPerSecond, freshnessP50Ms, freshnessP99Ms, freshnessEvents, test.hr5(), test.ndcg5(), test.hr10(),
          test.ndcg10(), stepP50Ms, stepP99Ms, meanNewPerStep, rate, batchSize, settleSeconds, idleReplay, cores, curve);
    }
  }

  /**
   * One evaluation while the trainer settles: the checkpoint announced last, {@code seconds} after
   * the last event was trained, its test metrics, and the mean loss terms of the steps since the
   * previous point (a diagnostic of what more replay does; nothing is selected on it).
   */
  public record CurvePoint(double seconds, long version, long replayed, long steps, float[] meanTerms, Metrics test) {
    String toJson() {
      var terms = new StringBuilder();
      for (int i = 0; i < meanTerms.length; i++) {
        terms.append(",\"loss_").append(JointStep.TERMS.get(i)).append("\":").append(Float.isFinite(meanTerms[i])
            ? String.format(Locale.ROOT, "%.4f", meanTerms[i]) : "null"); // no step since the last point
      }
      return String.format(Locale.ROOT,
          "{\"seconds\":%.0f,\"version\":%d,\"replayed\":%d,\"steps\":%d%s,\"HR@5\":%.4f,\"NDCG@5\":%.4f,"
              + "\"HR@10\":%.4f,\"NDCG@10\":%.4f}",
          seconds, version, replayed, steps, terms, test.hr5(), test.ndcg5(), test.hr10(), test.ndcg10());
    }
  }

  /**
   * @param base the trainer's settings (its bootstrap servers and checkpoint directory are replaced)
   * @param warmStart an offline checkpoint of this data set (null: a cold start)
   * @param rate events per second to replay at (0 = as fast as possible)
   * @param settle how long the trainer runs on after it consumed the last event (idle replay, when
   *     the configuration has it, goes on training meanwhile)
   * @param evalEvery while settling, evaluate the newest checkpoint on the test split this often
   *     (and once when the last event is trained); zero: only the last checkpoint
   */
  public static Result run(Path data, Path warmStart, TrainerConfig base, TextEncoder encoder, int partitions,
      double rate, Duration settle, Duration evalEvery, Consumer<String> log) throws Exception {
    var dataset = ReChorusReader.read(data);
    var full = ReplayPlan.of(dataset);
    var testPrefix = dataset.name() + "/test/";
    var plan = new ReplayPlan(full.dataset(), full.items(),
        full.interactions().stream().filter(e -> !e.eventId().startsWith(testPrefix)).toList());
    log.accept("read " + plan.dataset() + ": " + plan.items().size() + " items, " + plan.interactions().size()
        + " train and dev interactions to replay");
    var work = Files.createTempDirectory("lrd-bench-online-");
    try {
      Path warm = null;
      if (warmStart != null) {
        if (!Files.isDirectory(warmStart)) {
          throw new CheckpointException("--warm-start " + warmStart + ": no such checkpoint directory");
        }
        // an older offline checkpoint may name items by row; replay names them by external id
        var c = CheckpointIds.withReplayItemIds(CheckpointFiles.read(warmStart), dataset);
        warm = work.resolve("warm-start");
        CheckpointFiles.write(c, warm);
      }
      var checkpoints = work.resolve("checkpoints");
      try (var broker = EmbeddedKafkaBroker.start()) {
        var bootstrap = broker.bootstrapServers();
        TopicSetup.ensureTopics(bootstrap, partitions);
        TopicSetup.useLogAppendTime(bootstrap, Topics.INTERACTIONS);
        var b = base.toBuilder();
        // γ = auto resolved as offline (ModelFactory.autoGamma), for a like-for-like comparison
        b.model = ModelFactory.resolve(base.model(), dataset);
        b.bootstrapServers = bootstrap;
        b.checkpointDir = checkpoints;
        b.warmStart = warm;
        var config = b.build();
        var ingestConfig = IngestConfig.defaults().withBootstrapServers(bootstrap).withStateDir(work.resolve("ingest"));
        var watch = new Watch(plan.interactions().size());
        List<CurvePoint> settleCurve = List.of();
        CheckpointMetadata last;
        long t0;
        long tEnd;
        try (var ingest = IngestService.start(ingestConfig, Duration.ofSeconds(120));
            var appended = new AppendTimes(bootstrap)) {
          // the catalog first, so that the trainer's start-up read of 'items' sees it whole
          new Replayer(bootstrap).replay(new ReplayPlan(plan.dataset(), plan.items(), List.of()), 0, Replayer.Progress.NONE);
          var trainer = OnlineTrainer.start(config, encoder, new SimpleMeterRegistry(), watch, Duration.ofMinutes(5));
          try {
            log.accept("broker, ingest and trainer up (" + watch.from + "); replaying"
                + (rate > 0 ? " at " + rate + " events/s" : " as fast as possible"));
            t0 = System.nanoTime();
            var events = new ReplayPlan(plan.dataset(), List.of(), plan.interactions());
            var replay = new Thread(() -> new Replayer(bootstrap).replay(events, rate, Replayer.Progress.NONE), "lrd-bench-replay");
            var replayFailure = new Throwable[1];
            replay.setUncaughtExceptionHandler((t, e) -> replayFailure[0] = e);
            replay.start();
            awaitConsumed(trainer, plan.interactions().size(), () -> {
              if (ingest.failure() != null) {
                throw new IllegalStateException("ingest failed: " + ingest.failure(), ingest.failure());
              }
              if (replayFailure[0] != null) {
                throw new IllegalStateException("replay failed: " + replayFailure[0].getMessage(), replayFailure[0]);
              }
            }, log);
            replay.join();
            if (!settle.isZero()) {
              log.accept("all events trained; the trainer runs on for " + settle.toSeconds() + " s");
              settleCurve = settle(watch, dataset, settle, evalEvery, log);
            }
          } finally {
            trainer.close(); // the last checkpoint covers the last events
          }
          if (trainer.failure() != null) {
            throw new IllegalStateException("trainer failed: " + trainer.failure().getMessage(), trainer.failure());
          }
          tEnd = watch.coveredAllNanos > 0 ? watch.coveredAllNanos : watch.lastPublishedNanos;
          last = watch.last;
          Thread.sleep(300); // the append times of the last events, if that poll has not returned them yet
          var fresh = watch.freshness(appended.times());
          if (last == null) {
            throw new IllegalStateException("the trainer published no checkpoint");
          }
          log.accept("replay trained in " + String.format(Locale.ROOT, "%.1f s", (tEnd - t0) / 1e9)
              + "; evaluating checkpoint v" + last.version() + " on the test split");
          var c = CheckpointFiles.read(Path.of(last.path()));
          var test = CheckpointEvaluation.test(c, dataset, 0, Runtime.getRuntime().availableProcessors());
          double seconds = (tEnd - t0) / 1e9;
          long examples = watch.trained;
          return new Result(plan.dataset(), warmStart == null ? "cold" : "warm", trainer.eventsConsumed(), examples,
              watch.replayed, watch.steps, watch.published, last.version(), seconds, examples / seconds,
              percentile(fresh, 50), percentile(fresh, 99), fresh.length, test, percentile(watch.stepMillis(), 50),
              percentile(watch.stepMillis(), 99), watch.trainingSteps == 0 ? 0 : (double) examples / watch.trainingSteps,
              rate, config.batchSize(), settle.toMillis() / 1000.0, config.idleReplay(),
              Runtime.getRuntime().availableProcessors(), settleCurve);
        }
      }
    } finally {
      DurableFiles.deleteTree(work);
    }
  }

  /** Waits out the settle time, evaluating the newest checkpoint every {@code evalEvery} when positive. */
  private static List<CurvePoint> settle(Watch watch, org.lrdstream.data.Dataset dataset, Duration settle,
      Duration evalEvery, Consumer<String> log) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + settle.toNanos();
    var curve = new ArrayList<CurvePoint>();
    if (evalEvery.isZero()) {
      Thread.sleep(settle.toMillis());
      return curve;
    }
    long next = start;
    long evaluated = -1;
    while (true) {
      long now = System.nanoTime();
      if (now >= next) {
        var meta = watch.last;
        // the first point once a checkpoint covers every replayed event (its users all have rows)
        if (meta != null && meta.version() != evaluated && watch.coveredAllNanos > 0) {
          var terms = watch.takeMeanTerms();
          try {
            var c = CheckpointFiles.read(Path.of(meta.path()));
            var test = CheckpointEvaluation.test(c, dataset, 0, 1);
            var p = new CurvePoint((now - start) / 1e9, meta.version(), watch.replayed, watch.steps, terms, test);
            curve.add(p);
            evaluated = meta.version();
            log.accept("settle " + p.toJson());
          } catch (CheckpointException e) {
            log.accept("checkpoint v" + meta.version() + " was gone before it was evaluated (" + e.getMessage() + ")");
          }
          next += evalEvery.toNanos();
        } else {
          next += Duration.ofSeconds(1).toNanos(); // no new checkpoint covering every event yet: look again shortly
        }
      }
      now = System.nanoTime();
      if (now >= end) {
        return curve;
      }
      Thread.sleep(Math.max(1, Math.min(end, next) - now) / 1_000_000 + 1);
    }
  }

  private static void awaitConsumed(OnlineTrainer trainer, long expected, Runnable check, Consumer<String> log)
      throws InterruptedException {
    long last = -1;
    long lastChange = System.nanoTime();
    long lastLog = System.nanoTime();
    while (trainer.eventsConsumed() < expected) {
      if (trainer.failure() != null) {
        throw new IllegalStateException("trainer failed: " + trainer.failure().getMessage(), trainer.failure());
      }
      check.run();
      long n = trainer.eventsConsumed();
      if (n != last) {
        last = n;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > Duration.ofSeconds(180).toNanos()) {
        throw new IllegalStateException("the trainer consumed nothing for 180 s at " + n + " of " + expected + " events");
      }
      if (System.nanoTime() - lastLog > Duration.ofSeconds(10).toNanos()) {
        lastLog = System.nanoTime();
        log.accept(n + " of " + expected + " events trained");
      }
      Thread.sleep(20);
    }
  }

  static double percentile(long[] sortedMs, double p) {
    if (sortedMs.length == 0) {
      return Double.NaN;
    }
    int at = (int) Math.ceil(p / 100 * sortedMs.length) - 1;
    return sortedMs[Math.max(0, Math.min(sortedMs.length - 1, at))];
  }

  /** The trainer's steps and checkpoints: which checkpoint first covered each event, and when. */
  private static final class Watch implements OnlineTrainer.Listener {
    private final List<String> uncovered = new ArrayList<>();
    private final Map<String, Long> coveredAt = new HashMap<>();
    volatile CheckpointMetadata last;
    volatile long lastPublishedNanos;
    /** When the first checkpoint covering every replayed event was announced. */
    volatile long coveredAllNanos;
    private final long expected;

    Watch(long expected) {
      this.expected = expected;
    }

    volatile int published;
    volatile long steps;
    volatile long replayed;
    volatile long trained;
    volatile long trainingSteps;
    private final List<Long> stepMillis = new ArrayList<>();
    volatile String from = "";

    @Override
    public void started(long version, Map<String, Long> offsets, String from) {
      this.from = from;
    }

    @Override
    public synchronized void stepDone(OnlineTrainer.Step step) {
      uncovered.addAll(step.eventIds());
      steps++;
      trained += step.trained();
      if (step.trained() > 0) {
        trainingSteps++;
        stepMillis.add(Math.round(step.stepNanos() / 1e6));
      }
      replayed += step.replayed();
      if (step.trained() > 0 || step.replayed() > 0) {
        for (int i = 0; i < termSums.length && i < step.terms().length; i++) {
          termSums[i] += step.terms()[i];
        }
        termSteps++;
      }
    }

    private final double[] termSums = new double[JointStep.TERMS.size()];
    private long termSteps;

    /** The mean loss terms of the applied steps since the last call, and a fresh start. */
    synchronized float[] takeMeanTerms() {
      var out = new float[termSums.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = termSteps == 0 ? Float.NaN : (float) (termSums[i] / termSteps);
        termSums[i] = 0;
      }
      termSteps = 0;
      return out;
    }

    @Override
    public synchronized void checkpointPublished(CheckpointMetadata meta, LrdModel model) {
      long now = System.currentTimeMillis();
      uncovered.forEach(id -> coveredAt.put(id, now));
      uncovered.clear();
      last = meta;
      lastPublishedNanos = System.nanoTime();
      if (coveredAllNanos == 0 && coveredAt.size() >= expected) {
        coveredAllNanos = lastPublishedNanos;
      }
      published++;
    }

    synchronized long[] stepMillis() {
      return stepMillis.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    synchronized long[] freshness(Map<String, Long> appended) {
      var out = coveredAt.entrySet().stream().filter(e -> appended.containsKey(e.getKey()))
          .mapToLong(e -> e.getValue() - appended.get(e.getKey())).toArray();
      Arrays.sort(out);
      return out;
    }
  }

  /** Reads {@code interactions} (log-append time) in its own thread: when the broker took each event. */
  private static final class AppendTimes implements AutoCloseable {
    private final Thread thread;
    private final Map<String, Long> times = new ConcurrentHashMap<>();
    private volatile boolean stop;

    AppendTimes(String bootstrap) {
      var p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      thread = new Thread(() -> {
        try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
          var parts = consumer.partitionsFor(Topics.INTERACTIONS).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
          consumer.assign(parts);
          consumer.seekToBeginning(parts);
          while (!stop) {
            for (var r : consumer.poll(Duration.ofMillis(50))) {
              try {
                times.put(InteractionCodec.decode(r.value()).eventId(), r.timestamp());
              } catch (RecordRejectedException e) {
                // replay publishes valid events only; anything else is not one of ours
              }
            }
          }
        }
      }, "lrd-bench-append-times");
      thread.setDaemon(true);
      thread.start();
    }

    Map<String, Long> times() {
      return times;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(5_000);
    }
  }
}
