package org.lrdstream.ingest.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
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
import org.lrdstream.state.Topics;

/**
 * Ingest throughput end to end on this machine: an embedded broker, the ingest topology, a data set
 * replayed as fast as possible, timed from the first published event until the last sequence event
 * is committed (visible to a read_committed reader). Not a test: the numbers go to BENCHMARKS.md.
 */
public final class IngestBenchmark {
  private IngestBenchmark() {}

  /** What one run measured; {@link #toJson()} is the line {@code lrd bench ingest} prints. */
  public record Result(
      String dataset,
      long events,
      long items,
      double seconds,
      double eventsPerSecond,
      double replaySeconds,
      double brokerStartSeconds,
      double ingestStartSeconds,
      double cpuSeconds,
      boolean exactlyOnce,
      int partitions,
      int threads,
      int cores) {
    public String toJson() {
      return String.format(java.util.Locale.ROOT,
          "{\"benchmark\":\"ingest\",\"dataset\":\"%s\",\"events\":%d,\"items\":%d,"
              + "\"seconds\":%.3f,\"events_per_second\":%.1f,\"replay_seconds\":%.3f,"
              + "\"broker_start_seconds\":%.3f,\"ingest_start_seconds\":%.3f,"
              + "\"cpu_seconds\":%.3f,\"cpu_us_per_event\":%.1f,"
              + "\"exactly_once\":%s,\"partitions\":%d,\"threads\":%d,\"cores\":%d}",
          dataset.replace("\"", ""), events, items, seconds, eventsPerSecond, replaySeconds,
          brokerStartSeconds, ingestStartSeconds, cpuSeconds, cpuSeconds * 1e6 / events,
          exactlyOnce, partitions, threads, cores);
    }

    /**
     * Events per second the CPU time would allow on {@code cores} otherwise idle cores: the
     * number to compare across runs when other work shares the machine.
     */
    public double cpuBoundEventsPerSecond() {
      return events / cpuSeconds * cores;
    }
  }

  /**
   * Runs {@code warmupRounds + 1} rounds, each on a fresh broker with fresh state, and reports the
   * last. Warm-up matters here: in a fresh JVM the JIT compilers take about 40 % of the CPU of a
   * 50k-event run (measured), which says nothing about ingest's steady state. The broker start time
   * reported is the first, cold one: what a user of {@code lrd broker} waits.
   */
  public static Result run(Path data, int partitions, int warmupRounds, IngestConfig base,
      Consumer<String> log) throws Exception {
    if (warmupRounds < 0) {
      throw new IllegalArgumentException("warm-up rounds must be >= 0, got " + warmupRounds);
    }
    var plan = ReplayPlan.of(ReChorusReader.read(data));
    log.accept("read " + plan.dataset() + ": " + plan.items().size() + " items, "
        + plan.interactions().size() + " interactions");
    Double coldBrokerStart = null;
    Result last = null;
    for (int round = 0; round <= warmupRounds; round++) {
      last = round(plan, partitions, base, log);
      if (coldBrokerStart == null) {
        coldBrokerStart = last.brokerStartSeconds();
      }
      log.accept((round < warmupRounds ? "warm-up round: " : "measured round: ")
          + String.format(java.util.Locale.ROOT, "%.0f events/s", last.eventsPerSecond()));
    }
    return new Result(last.dataset(), last.events(), last.items(), last.seconds(),
        last.eventsPerSecond(), last.replaySeconds(), coldBrokerStart, last.ingestStartSeconds(),
        last.cpuSeconds(), last.exactlyOnce(), last.partitions(), last.threads(), last.cores());
  }

  private static Result round(ReplayPlan plan, int partitions, IngestConfig base,
      Consumer<String> log) throws Exception {
    var stateDir = Files.createTempDirectory("lrd-bench-state-");
    try (var broker = EmbeddedKafkaBroker.start()) {
      log.accept("broker up in " + broker.startTime().toMillis() + " ms");
      TopicSetup.ensureTopics(broker.bootstrapServers(), partitions);
      var config = base.withBootstrapServers(broker.bootstrapServers()).withStateDir(stateDir);
      long s0 = System.nanoTime();
      try (var ingest = IngestService.start(config, Duration.ofSeconds(120))) {
        double ingestStart = (System.nanoTime() - s0) / 1e9;
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        var threads0 = threadCpuNanos();
        new Replayer(broker.bootstrapServers()).replay(plan, 0, Replayer.Progress.NONE);
        double replaySeconds = (System.nanoTime() - t0) / 1e9;
        log.accept("replayed in " + String.format("%.2f", replaySeconds) + " s; waiting for ingest");
        awaitCommitted(broker.bootstrapServers(), plan.interactions().size(), ingest);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        logCpuByThreadGroup(threads0, threadCpuNanos(), cpuSeconds, log);
        logThreadMetrics(ingest, log);
        return new Result(plan.dataset(), plan.interactions().size(), plan.items().size(), seconds,
            plan.interactions().size() / seconds, replaySeconds,
            broker.startTime().toNanos() / 1e9, ingestStart, cpuSeconds, config.exactlyOnce(),
            partitions, config.threads(), Runtime.getRuntime().availableProcessors());
      }
    } finally {
      try (var paths = Files.walk(stateDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static java.util.Map<Long, Long> threadCpuNanos() {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    var out = new java.util.HashMap<Long, Long>();
    for (long id : mx.getAllThreadIds()) {
      long t = mx.getThreadCpuTime(id);
      if (t > 0) {
        out.put(id, t);
      }
    }
    return out;
  }

  /**
   * CPU per kind of thread during the round (stream thread, broker request handlers, JIT...); the
   * remainder is native threads (RocksDB) and threads that ended.
   */
  private static void logCpuByThreadGroup(java.util.Map<Long, Long> before,
      java.util.Map<Long, Long> after, double totalSeconds, Consumer<String> log) {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    var groups = new java.util.TreeMap<String, Double>();
    double javaSeconds = 0;
    for (var e : after.entrySet()) {
      var info = mx.getThreadInfo(e.getKey());
      if (info == null) {
        continue;
      }
      double sec = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e9;
      javaSeconds += sec;
      var group = info.getThreadName()
          .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "")
          .replaceAll("[0-9]+", "N");
      groups.merge(group, sec, Double::sum);
    }
    var sb = new StringBuilder(String.format(java.util.Locale.ROOT,
        "CPU %.2f s, of which not in live Java threads %.2f s; by thread:", totalSeconds,
        totalSeconds - javaSeconds));
    groups.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(10)
        .forEach(e -> sb.append(String.format(java.util.Locale.ROOT, " [%s %.2f]", e.getKey(),
            e.getValue())));
    log.accept(sb.toString());
  }

  /** CPU time of this whole process (broker, ingest, replay producer): all the work of one event. */
  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0L;
  }

  /** Where the stream thread spent its time: the first thing to look at when the number is low. */
  private static void logThreadMetrics(IngestService ingest, Consumer<String> log) {
    var wanted = java.util.Set.of("commit-latency-avg", "commit-latency-max", "commit-ratio",
        "poll-ratio", "process-ratio", "punctuate-ratio", "process-latency-avg", "poll-latency-avg",
        "poll-records-avg", "commit-total");
    var sb = new StringBuilder("stream thread:");
    ingest.streams().metrics().forEach((name, metric) -> {
      if (name.group().equals("stream-thread-metrics") && wanted.contains(name.name())) {
        sb.append(' ').append(name.name()).append('=').append(metric.metricValue());
      }
    });
    log.accept(sb.toString());
  }

  /** Polls the last stable offsets of sequence-events until they add up to {@code expected}. */
  private static void awaitCommitted(String bootstrap, long expected, IngestService ingest)
      throws InterruptedException {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      var parts = consumer.partitionsFor(Topics.SEQUENCE_EVENTS).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(parts); // the last stable offset is tracked for assigned partitions only
      long last = -1;
      long lastChange = System.nanoTime();
      while (true) {
        long n = consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        if (n >= expected) {
          return;
        }
        if (ingest.failure() != null) {
          throw new IllegalStateException("ingest failed: " + ingest.failure(), ingest.failure());
        }
        if (n != last) {
          last = n;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > Duration.ofSeconds(120).toNanos()) {
          throw new IllegalStateException("ingest made no progress for 120 s at " + n + " of "
              + expected + " events");
        }
        Thread.sleep(20);
      }
    }
  }
}
