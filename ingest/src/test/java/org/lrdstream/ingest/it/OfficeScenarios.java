package org.lrdstream.ingest.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.IngestService;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.ingest.replay.ReplayPlan;
import org.lrdstream.ingest.replay.Replayer;
import org.lrdstream.state.Topics;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.state.records.RecordSerdes;
import org.lrdstream.state.records.SequenceEvent;

/**
 * The two end-to-end scenarios on the whole Office data set, run against any broker (the embedded
 * one, or a Testcontainers Kafka): a plain replay, and a replay during which the ingest instance is
 * killed without a clean close. Each expects every user's final history to be the last 20 items of
 * their sequence in the files, and every event to come out exactly once.
 */
final class OfficeScenarios {
  static final Path OFFICE = Path.of("..", "..", "shared", "data", "office");
  private static final int N = 20;

  private static Dataset office;
  private static ReplayPlan plan;

  private final String bootstrap;
  private final Path workDir;

  OfficeScenarios(String bootstrap, Path workDir) {
    this.bootstrap = bootstrap;
    this.workDir = workDir;
  }

  static synchronized ReplayPlan plan() {
    if (plan == null) {
      office = ReChorusReader.read(OFFICE);
      plan = ReplayPlan.of(office);
    }
    return plan;
  }

  /** Each user's last N items, from the files (train, dev, test). */
  static Map<String, List<String>> expectedHistories() {
    plan();
    var seqs = office.sequences();
    var out = new HashMap<String, List<String>>();
    for (int u = 1; u < seqs.length; u++) {
      var items = new ArrayList<String>();
      for (int i = Math.max(0, seqs[u].length - N); i < seqs[u].length; i++) {
        items.add(office.catalog().externalId(seqs[u][i]));
      }
      if (!items.isEmpty()) {
        out.put(Integer.toString(u), items);
      }
    }
    return out;
  }

  IngestConfig config(String appId) {
    return IngestConfig.defaults()
        .withBootstrapServers(bootstrap)
        .withApplicationId(appId)
        .withStateDir(workDir.resolve("state-" + appId))
        .withSessionTimeout(Duration.ofSeconds(6));
  }

  void replayWholeDataSet() throws Exception {
    TopicSetup.ensureTopics(bootstrap, 3);
    var plan = plan();
    var registry = org.lrdstream.state.metrics.Observability.registry("ingest");
    try (var ingest = IngestService.start(config("office-replay"), Duration.ofSeconds(60))) {
      ingest.bindMetrics(registry);
      var result = new Replayer(bootstrap).replay(plan, 0, Replayer.Progress.NONE);
      assertThat(result.events()).isEqualTo(53_258);
      assertThat(result.items()).isEqualTo(2_420);
      var events = readSequenceEvents(plan.interactions().size(), Duration.ofSeconds(120));
      assertExactlyOnceWithFinalHistories(events);
      assertThat(ingest.failure()).isNull();
      // ingest's own counters reach the Prometheus scrape (what the dashboards in ops/ query)
      var scrape = registry.scrape();
      assertThat(metricValue(scrape, "kafka_stream_lrd_ingest_accepted_total")).isEqualTo(53_258.0);
      assertThat(scrape).contains("kafka_stream_lrd_ingest_items_stored_total");
    }
    assertThat(endOffsets(Topics.INTERACTIONS_DLQ)).as("nothing in Office is rejected").isZero();
  }

  /** The sum over all series of a metric in a Prometheus scrape. */
  static double metricValue(String scrape, String name) {
    double sum = 0;
    boolean found = false;
    for (var line : scrape.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    if (!found) {
      var names = new java.util.TreeSet<String>();
      for (var line : scrape.split("\n")) {
        if (!line.startsWith("#") && line.contains("lrd")) {
          names.add(line.replaceAll("[{ ].*", ""));
        }
      }
      throw new AssertionError("no metric " + name + " in the scrape; lrd metrics there: " + names);
    }
    return sum;
  }

  void killIngestMidReplayThenRecover() throws Exception {
    TopicSetup.ensureTopics(bootstrap, 3);
    var plan = plan();
    var config = config("office-crash");
    var log = workDir.resolve("ingest-child.log");
    var child = startChild(config, log);
    CompletableFuture<Replayer.Result> replay;
    long seenAtKill;
    try {
      replay = CompletableFuture.supplyAsync(
          () -> new Replayer(bootstrap).replay(plan, 0, Replayer.Progress.NONE));
      // Kill once some transactions are committed and many events are still to come.
      seenAtKill = awaitCommitted(15_000, Duration.ofSeconds(120), child);
    } finally {
      child.destroyForcibly(); // SIGKILL: no commit, no close, an open transaction left behind
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(seenAtKill).as("killed mid-replay").isLessThan(plan.interactions().size());
    assertThat(replay.get(120, TimeUnit.SECONDS).events()).isEqualTo(plan.interactions().size());

    // A new instance on the same state directory takes over, as after a machine restart.
    try (var ingest = IngestService.start(config, Duration.ofSeconds(90))) {
      var events = readSequenceEvents(plan.interactions().size(), Duration.ofSeconds(180));
      assertExactlyOnceWithFinalHistories(events);
      assertThat(ingest.failure()).isNull();
    }
  }

  private static void assertExactlyOnceWithFinalHistories(List<SequenceEvent> events) {
    var plan = plan();
    assertThat(events).hasSize(plan.interactions().size());
    var ids = new HashMap<String, Integer>();
    events.forEach(e -> ids.merge(e.eventId(), 1, Integer::sum));
    assertThat(ids).hasSize(plan.interactions().size());
    assertThat(ids.values()).allMatch(n -> n == 1);

    var last = new HashMap<String, SequenceEvent>();
    events.forEach(e -> last.merge(e.user(), e, (a, b) -> b.ts() >= a.ts() ? b : a));
    var actual = new HashMap<String, List<String>>();
    last.forEach((user, e) -> {
      var items = new ArrayList<>(e.history().stream().map(HistoryEntry::item).toList());
      items.add(e.item());
      actual.put(user, items.subList(Math.max(0, items.size() - N), items.size()));
    });
    assertThat(actual).isEqualTo(expectedHistories());
  }

  /** No test waits longer than this in all, however slowly events keep coming. */
  private static final Duration HARD_CAP = Duration.ofMinutes(15);

  /**
   * Reads sequence-events as a read_committed consumer until {@code expected} arrived, then 2 s
   * more. Fails (returns short) only when nothing new arrived for {@code stall}: on a loaded
   * machine the ingest is slow but not stuck, and a fixed deadline would fail it.
   */
  private List<SequenceEvent> readSequenceEvents(int expected, Duration stall) {
    var out = new ArrayList<SequenceEvent>();
    try (var consumer = committedConsumer()) {
      var parts = consumer.partitionsFor(Topics.SEQUENCE_EVENTS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      var serde = RecordSerdes.sequenceEvent().deserializer();
      long cap = System.nanoTime() + HARD_CAP.toNanos();
      long lastNew = System.nanoTime();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(cap, quietUntil) && System.nanoTime() - lastNew < stall.toNanos()) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          lastNew = System.nanoTime();
        }
        for (var r : records) {
          out.add(serde.deserialize(r.topic(), r.value()));
        }
        if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos(); // anything doubled?
        }
      }
    }
    return out;
  }

  /** Waits for {@code atLeast} committed events; fails when none more came for {@code stall}. */
  private long awaitCommitted(long atLeast, Duration stall, Process child) throws Exception {
    long cap = System.nanoTime() + HARD_CAP.toNanos();
    long lastNew = System.nanoTime();
    long seen = -1;
    try (var consumer = committedConsumer()) {
      while (System.nanoTime() < cap && System.nanoTime() - lastNew < stall.toNanos()) {
        long n = endOffsets(consumer, Topics.SEQUENCE_EVENTS);
        if (n >= atLeast) {
          return n;
        }
        if (n > seen) {
          seen = n;
          lastNew = System.nanoTime();
        }
        if (!child.isAlive()) {
          throw new AssertionError("the ingest child exited early with " + child.exitValue());
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the ingest child committed " + seen + " events, fewer than " + atLeast
        + ", and then none more for " + stall.toSeconds() + " s");
  }

  private long endOffsets(String topic) {
    try (var consumer = committedConsumer()) {
      return endOffsets(consumer, topic);
    }
  }

  /**
   * Sum of a topic's end offsets as a read_committed reader sees them: the last stable offsets,
   * which the consumer tracks only for assigned partitions.
   */
  private static long endOffsets(KafkaConsumer<String, byte[]> consumer, String topic) {
    var parts = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    if (!consumer.assignment().containsAll(parts)) {
      consumer.assign(parts);
    }
    return consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
  }

  private KafkaConsumer<String, byte[]> committedConsumer() {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Ingest in a child JVM, so that it can be killed like a crashed machine. */
  private Process startChild(IngestConfig config, Path log) throws IOException, InterruptedException {
    var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var cmd = List.of(java, "-Xmx256m",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", System.getProperty("java.class.path"),
        IngestChild.class.getName(), config.bootstrapServers(), config.applicationId(),
        config.stateDir().toString());
    var child = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    var ready = CompletableFuture.supplyAsync(() -> {
      try (var out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.equals(IngestChild.READY)) {
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        return false;
      }
    });
    try {
      if (!Boolean.TRUE.equals(ready.get(180, TimeUnit.SECONDS))) { // slow on a loaded machine
        throw new AssertionError("the ingest child did not start: " + Files.readString(log));
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      child.destroyForcibly();
      throw new AssertionError("the ingest child did not start: " + Files.readString(log), e);
    }
    return child;
  }
}
