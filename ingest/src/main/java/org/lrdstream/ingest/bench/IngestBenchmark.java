package org.lrdstream.ingest.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.IngestService;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.ingest.replay.ReplayPlan;
import org.lrdstream.ingest.replay.Replayer;
import org.lrdstream.state.Topics;
import org.lrdstream.state.records.Interaction;

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
    return run(data, partitions, warmupRounds, 1, 1, base, log);
  }

  /**
   * As {@link #run(Path, int, int, IngestConfig, Consumer)}, with {@code passes} passes of the data
   * set through the same broker and ingest instance in each round, the last {@code measuredPasses}
   * measured together (events in them over their time; {@link Result#events()} counts them): a
   * long-running ingest process in its steady state, after the JIT has compiled what it runs (a
   * fresh broker and Streams instance per round keeps the compilers busy: on 2 cores C2 took about
   * half a core through every 50k-event round, measured with per-thread CPU from /proc). Pass k > 1
   * publishes the same interactions for distinct users ({@code p<k>/<user>}) with distinct event
   * ids ({@code <id>#p<k>}), so that nothing is a duplicate or out of order; the catalog is
   * published once.
   */
  public static Result run(Path data, int partitions, int warmupRounds, int passes,
      int measuredPasses, IngestConfig base, Consumer<String> log) throws Exception {
    if (warmupRounds < 0) {
      throw new IllegalArgumentException("warm-up rounds must be >= 0, got " + warmupRounds);
    }
    if (passes < 1) {
      throw new IllegalArgumentException("passes must be >= 1, got " + passes);
    }
    if (measuredPasses < 1 || measuredPasses > passes) {
      throw new IllegalArgumentException(
          "measured passes must be between 1 and the passes (" + passes + "), got " + measuredPasses);
    }
    var plan = ReplayPlan.of(ReChorusReader.read(data));
    log.accept("read " + plan.dataset() + ": " + plan.items().size() + " items, "
        + plan.interactions().size() + " interactions");
    Double coldBrokerStart = null;
    Result last = null;
    for (int round = 0; round <= warmupRounds; round++) {
      last = round(plan, partitions, passes, measuredPasses, base, log);
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

  private static Result round(ReplayPlan plan, int partitions, int passes, int measuredPasses,
      IngestConfig base, Consumer<String> log) throws Exception {
    var stateDir = Files.createTempDirectory("lrd-bench-state-");
    try (var broker = EmbeddedKafkaBroker.start()) {
      log.accept("broker up in " + broker.startTime().toMillis() + " ms");
      TopicSetup.ensureTopics(broker.bootstrapServers(), partitions);
      var config = base.withBootstrapServers(broker.bootstrapServers()).withStateDir(stateDir);
      long s0 = System.nanoTime();
      try (var ingest = IngestService.start(config, Duration.ofSeconds(120));
          var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
              broker.bootstrapServers()))) {
        double ingestStart = (System.nanoTime() - s0) / 1e9;
        long events = plan.interactions().size();
        int firstMeasured = passes - measuredPasses + 1;
        double seconds = 0;
        double cpuSeconds = 0;
        double replaySeconds = 0;
        java.util.Map<Long, Long> threads0 = null;
        for (int pass = 1; pass <= passes; pass++) {
          var thisPass = pass == 1 ? plan : renamed(plan, pass);
          long t0 = System.nanoTime();
          long cpu0 = processCpuNanos();
          if (pass == firstMeasured) {
            threads0 = threadCpuNanos();
          }
          new Replayer(broker.bootstrapServers()).replay(thisPass, 0, Replayer.Progress.NONE);
          double replay = (System.nanoTime() - t0) / 1e9;
          awaitCommitted(admin, config.applicationId(), pass * events, ingest);
          double passSeconds = (System.nanoTime() - t0) / 1e9;
          double passCpu = (processCpuNanos() - cpu0) / 1e9;
          log.accept(String.format(java.util.Locale.ROOT,
              "pass %d/%d%s: %.0f events/s (replayed in %.2f s), %.0f us CPU per event", pass,
              passes, pass >= firstMeasured ? " (measured)" : "", events / passSeconds, replay,
              passCpu * 1e6 / events));
          if (pass >= firstMeasured) {
            seconds += passSeconds;
            cpuSeconds += passCpu;
            replaySeconds += replay;
          }
        }
        logCpuByThreadGroup(threads0, threadCpuNanos(), cpuSeconds, log);
        logThreadMetrics(ingest, log);
        long measured = events * measuredPasses;
        var result = new Result(plan.dataset(), measured, plan.items().size(), seconds,
            measured / seconds, replaySeconds, broker.startTime().toNanos() / 1e9, ingestStart,
            cpuSeconds, config.exactlyOnce(), partitions, config.threads(),
            Runtime.getRuntime().availableProcessors());
        return result;
      }
    } finally {
      try (var paths = Files.walk(stateDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The plan's interactions for other users and with other event ids, without the catalog. */
  static ReplayPlan renamed(ReplayPlan plan, int pass) {
    var events = plan.interactions().stream()
        .map(e -> new Interaction("p" + pass + "/" + e.user(), e.item(), e.ts(), e.type(),
            e.eventId() == null ? null : e.eventId() + "#p" + pass))
        .toList();
    return new ReplayPlan(plan.dataset(), List.of(), events);
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

  /**
   * Polls the ingest application's committed offsets on {@code interactions} until they add up to
   * {@code expected}: with exactly-once, an input offset is committed in the same transaction as
   * the sequence events it produced, so this is "all of it is visible to read_committed readers".
   * (Counting the last stable offsets of {@code sequence-events} would count the transaction
   * markers too.) The replay producer is not transactional, so input offsets count records.
   */
  private static void awaitCommitted(Admin admin, String groupId, long expected,
      IngestService ingest) throws Exception {
    long last = -1;
    long lastChange = System.nanoTime();
    while (true) {
      long n = 0;
      for (var e : admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get()
          .entrySet()) {
        if (e.getKey().topic().equals(Topics.INTERACTIONS) && e.getValue() != null) {
          n += e.getValue().offset();
        }
      }
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
