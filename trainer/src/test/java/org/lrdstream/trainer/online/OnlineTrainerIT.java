package org.lrdstream.trainer.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ScoreBatch;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Topics;
import org.lrdstream.state.checkpoint.CheckpointException;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.records.CheckpointMetadata;
import org.lrdstream.state.records.EventType;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.state.records.Item;
import org.lrdstream.state.records.RecordSerdes;
import org.lrdstream.state.records.SequenceEvent;

/** The online trainer against a real in-process broker: growth, checkpoints, exactly-once resume. */
class OnlineTrainerIT {
  private static final ModelConfig SMALL = ModelConfig.forName("kda+lrd").toBuilder().dim(16).heads(2).layers(1)
      .latentRelations(2).build();

  @TempDir Path tmp;
  private EmbeddedKafkaBroker broker;
  private KafkaProducer<String, byte[]> producer;

  @BeforeEach
  void startBroker() {
    try (var m = NDManager.newBaseManager("PyTorch")) {
      ai.djl.pytorch.jni.JniUtils.setGradMode(false); // this thread loads checkpoints, it trains nothing
    }
    broker = EmbeddedKafkaBroker.start();
    TopicSetup.ensureTopics(broker.bootstrapServers(), 2);
    producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
  }

  @AfterEach
  void stopBroker() {
    producer.close();
    broker.close();
  }

  private TrainerConfig config(Path dir) {
    var b = TrainerConfig.defaults(broker.bootstrapServers(), dir).toBuilder();
    b.model = SMALL;
    b.batchSize = 16;
    b.maxWait = Duration.ofMillis(200);
    b.checkpointEverySteps = 3;
    b.checkpointInterval = Duration.ofMinutes(10);
    b.replayBufferSize = 1000;
    return b.build();
  }

  // ---- data ---------------------------------------------------------------------------------------

  private void publishItem(String id, String category, String text, List<String> alsoBuy) {
    var item = new Item(id, text, Map.of("category", List.of(category)), Map.of("also_buy", alsoBuy));
    producer.send(new ProducerRecord<>(Topics.ITEMS, id, RecordSerdes.item().serializer().serialize(Topics.ITEMS, item)));
  }

  private void publishCatalog(int items) {
    for (int i = 1; i <= items; i++) {
      publishItem("i" + i, "c" + (i % 3), "item number " + i, List.of("i" + (i % items + 1)));
    }
    producer.flush();
  }

  /** Events of {@code users} users, each a sequence of {@code length} items, with the history ingest would give. */
  private List<SequenceEvent> events(int users, int length, int items, String prefix) {
    var out = new ArrayList<SequenceEvent>();
    for (int u = 1; u <= users; u++) {
      var history = new ArrayList<HistoryEntry>();
      for (int k = 0; k < length; k++) {
        var item = "i" + (1 + (u * 7 + k * 3) % items);
        long ts = 1_000_000L + k * 60_000L;
        out.add(new SequenceEvent(prefix + u, item, ts, EventType.PURCHASE, prefix + u + "/" + k, List.copyOf(history)));
        history.add(new HistoryEntry(item, ts));
      }
    }
    return out;
  }

  private void publish(List<SequenceEvent> events) {
    var ser = RecordSerdes.sequenceEvent().serializer();
    for (var e : events) {
      producer.send(new ProducerRecord<>(Topics.SEQUENCE_EVENTS, e.user(), ser.serialize(Topics.SEQUENCE_EVENTS, e)));
    }
    producer.flush();
  }

  private static void await(BooleanSupplier condition, OnlineTrainer trainer, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (trainer != null && trainer.failure() != null) {
        throw new AssertionError("trainer failed while waiting for " + what, trainer.failure());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Records what the trainer did. */
  static final class Recorder implements OnlineTrainer.Listener {
    final List<OnlineTrainer.Step> steps = new CopyOnWriteArrayList<>();
    final List<CheckpointMetadata> published = new CopyOnWriteArrayList<>();
    final Map<Long, Long> stepsAtVersion = new ConcurrentHashMap<>();
    final Map<Long, String> refused = new ConcurrentHashMap<>();
    final AtomicLong startedAt = new AtomicLong(-2);
    volatile long crashAfterStep = Long.MAX_VALUE;
    volatile ScoreBatch probe;
    final Map<Long, float[]> probeScores = new ConcurrentHashMap<>();

    @Override
    public void started(long version, Map<String, Long> offsets, String from) {
      startedAt.set(version);
    }

    @Override
    public void stepDone(OnlineTrainer.Step step) {
      steps.add(step);
      if (step.number() >= crashAfterStep) {
        throw new IllegalStateException("simulated crash after step " + step.number());
      }
    }

    @Override
    public void checkpointPublished(CheckpointMetadata meta, LrdModel model) {
      stepsAtVersion.put(meta.version(), meta.metrics().get("steps").longValue());
      if (probe != null) {
        try (var scope = new NDScope()) {
          probeScores.put(meta.version(), model.scores(model.manager(), probe, model.keyTable(), false).toFloatArray());
        }
      }
      published.add(meta);
    }

    @Override
    public void checkpointRefused(long version, String reason) {
      refused.put(version, reason);
    }

    long stepsCovered(long version) {
      return stepsAtVersion.get(version);
    }
  }

  // ---- tests --------------------------------------------------------------------------------------

  @Test
  void growsItsTablesForAnUnseenUserItemAndValueMidStream() throws Exception {
    publishCatalog(30);
    var first = events(6, 8, 30, "u");
    publish(first);
    var encoder = new HashTextEncoder();
    var rec = new Recorder();
    var dir = tmp.resolve("ckpt");
    var registry = new SimpleMeterRegistry();
    try (var trainer = OnlineTrainer.start(config(dir), encoder, registry, rec, Duration.ofSeconds(60))) {
      await(() -> trainer.eventsConsumed() == first.size(), trainer, "the first events");
      await(() -> !rec.published.isEmpty(), trainer, "a checkpoint");
      var before = CheckpointFiles.read(Path.of(rec.published.get(rec.published.size() - 1).path()));
      assertThat(before.items()).doesNotContain("fresh");
      assertThat(before.users()).doesNotContain("newcomer");

      // a new item with a new category value, then a new user buying it: no restart
      publishItem("fresh", "brand-new-category", "a fresh item", List.of("i1"));
      producer.flush();
      var later = List.of(
          new SequenceEvent("newcomer", "i2", 9_000_000L, EventType.PURCHASE, "n/0", List.of()),
          new SequenceEvent("newcomer", "fresh", 9_060_000L, EventType.PURCHASE, "n/1",
              List.of(new HistoryEntry("i2", 9_000_000L))));
      publish(later);
      await(() -> trainer.eventsConsumed() == first.size() + later.size(), trainer, "the later events");
    }
    assertThat(rec.steps).isNotEmpty();
    var last = rec.published.get(rec.published.size() - 1);
    // the meters tell the same story
    long trained = rec.steps.stream().mapToLong(OnlineTrainer.Step::trained).sum();
    assertThat(registry.get(MetricNames.TRAINER_EXAMPLES).tag("kind", "new").counter().count()).isEqualTo(trained);
    assertThat(registry.get(MetricNames.TRAINER_EVENTS).counter().count()).isEqualTo(first.size() + 2);
    assertThat(registry.get(MetricNames.TRAINER_EVENTS_SKIPPED).tag("reason", "no-history").counter().count())
        .isEqualTo(7); // each user's first event
    assertThat(registry.get(MetricNames.TRAINER_STEPS).counter().count()).isEqualTo(rec.steps.size());
    assertThat(registry.get(MetricNames.TRAINER_CHECKPOINT_VERSION).gauge().value()).isEqualTo(last.version());
    assertThat(registry.get(MetricNames.TRAINER_CHECKPOINT_AGE).gauge().value()).isBetween(0.0, 60.0);
    assertThat(registry.get(MetricNames.TRAINER_LAG).gauge().value()).isZero();
    assertThat(registry.get(MetricNames.TRAINER_LOSS).tag("term", "rec").gauge().value()).isPositive();
    assertThat(registry.get(MetricNames.TRAINER_VOCABULARY).tag("table", "users").gauge().value()).isEqualTo(7);
    assertThat(registry.get(MetricNames.TRAINER_STEP_TIME).timer().count()).isPositive();
    var c = CheckpointFiles.read(Path.of(last.path()));
    assertThat(c.items()).contains("fresh");
    assertThat(c.users()).contains("newcomer");
    @SuppressWarnings("unchecked")
    var values = (Map<String, List<String>>) c.extra().get(OnlineCheckpoints.ATTRIBUTE_VALUES);
    assertThat(values.get("category")).contains("brand-new-category", "c0", "c1", "c2");
    try (var manager = NDManager.newBaseManager("PyTorch");
        var model = ModelCheckpoint.fromCheckpoint(c, manager, null)) {
      int row = c.items().indexOf("fresh");
      var text = model.items().textVectors();
      int p = model.items().textDim();
      var expected = HashTextEncoder.vector("a fresh item");
      for (int k = 0; k < p; k++) {
        assertThat(text[row * p + k]).isEqualTo(expected[k]);
      }
      int user = c.users().indexOf("newcomer");
      var batch = new ScoreBatch(1, SMALL.historyMax(), 2, new long[] {user}, padded(SMALL.historyMax(), c.items().indexOf("i2")),
          new float[SMALL.historyMax()], new long[] {row, 1});
      try (var scope = new NDScope()) {
        var scores = model.scores(manager, batch, model.keyTable(), false).toFloatArray();
        for (float v : scores) {
          assertThat(Float.isFinite(v)).isTrue();
        }
      }
    }
    // the newcomer's example was trained: 'fresh' is no longer an untrained item
    @SuppressWarnings("unchecked")
    var untrained = (List<String>) c.extra().get(OnlineCheckpoints.UNTRAINED_ITEMS);
    assertThat(untrained).doesNotContain("fresh");
  }

  /** A baseline is a model of the runner too: TiSASRec (which reads the history's times) trains and grows online. */
  @Test
  void aBaselineTrainsOnlineAndGrowsItsTables() throws Exception {
    publishCatalog(30);
    var first = events(6, 8, 30, "u");
    publish(first);
    var rec = new Recorder();
    var b = config(tmp.resolve("ckpt")).toBuilder();
    b.model = ModelConfig.forName("tisasrec").toBuilder().dim(16).layers(1).build();
    try (var trainer = OnlineTrainer.start(b.build(), new HashTextEncoder(), new SimpleMeterRegistry(), rec, Duration.ofSeconds(60))) {
      await(() -> trainer.eventsConsumed() == first.size() && !rec.published.isEmpty(), trainer, "the first events and a checkpoint");
      publishItem("fresh", "c1", "a fresh item", List.of("i1"));
      producer.flush();
      var later = List.of(new SequenceEvent("newcomer", "i2", 9_000_000L, EventType.PURCHASE, "n/0", List.of()),
          new SequenceEvent("newcomer", "fresh", 9_060_000L, EventType.PURCHASE, "n/1", List.of(new HistoryEntry("i2", 9_000_000L))));
      publish(later);
      await(() -> trainer.eventsConsumed() == first.size() + later.size(), trainer, "the later events");
    }
    assertThat(rec.steps).isNotEmpty();
    assertThat(rec.steps.stream().allMatch(s -> Float.isFinite(s.terms()[0]))).isTrue();
    var c = CheckpointFiles.read(Path.of(rec.published.get(rec.published.size() - 1).path()));
    assertThat(c.items()).contains("fresh");
    assertThat(c.users()).contains("newcomer");
    assertThat(c.config().path("backbone").asText()).isEqualTo("TISASREC");
  }

  private static long[] padded(int n, long... rows) {
    var out = new long[n];
    System.arraycopy(rows, 0, out, 0, rows.length);
    return out;
  }

  @Test
  void aCheckpointReloadsToIdenticalScoresAndACorruptOneIsRefused() throws Exception {
    publishCatalog(30);
    var evs = events(5, 10, 30, "u");
    publish(evs);
    var rec = new Recorder();
    int n = SMALL.historyMax();
    rec.probe = new ScoreBatch(2, n, 3, new long[] {1, 2}, concat(padded(n, 1, 2, 3), padded(n, 4)),
        new float[2 * n], new long[] {5, 6, 7, 8, 9, 10});
    var dir = tmp.resolve("ckpt");
    try (var trainer = OnlineTrainer.start(config(dir), new HashTextEncoder(), new SimpleMeterRegistry(), rec, Duration.ofSeconds(60))) {
      await(() -> trainer.eventsConsumed() == evs.size(), trainer, "the events");
    }
    assertThat(rec.published.size()).isGreaterThanOrEqualTo(2);
    var last = rec.published.get(rec.published.size() - 1);
    var previous = rec.published.get(rec.published.size() - 2);
    // round trip: the checkpoint scores exactly as the live model did when it was written
    var c = CheckpointFiles.read(Path.of(last.path()));
    assertThat(c.offsets()).isEqualTo(last.trainingOffsets());
    try (var manager = NDManager.newBaseManager("PyTorch");
        var model = ModelCheckpoint.fromCheckpoint(c, manager, null);
        var scope = new NDScope()) {
      var reloaded = model.scores(manager, rec.probe, model.keyTable(), false).toFloatArray();
      assertThat(reloaded).containsExactly(rec.probeScores.get(last.version()));
      assertThat(reloaded).isNotEqualTo(rec.probeScores.get(previous.version())); // it did train in between
    }

    // flip one byte of the newest checkpoint's tensors: it is refused, the trainer resumes from the one before
    try (var f = new RandomAccessFile(Path.of(last.path(), CheckpointFiles.DATA).toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x40);
    }
    assertThatThrownBy(() -> CheckpointFiles.read(Path.of(last.path())))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("sha256");
    var again = new Recorder();
    try (var trainer = OnlineTrainer.start(config(dir), new HashTextEncoder(), new SimpleMeterRegistry(), again, Duration.ofSeconds(60))) {
      assertThat(again.refused).containsKey(last.version());
      assertThat(again.startedAt.get()).isEqualTo(previous.version());
      // it trains again what the refused checkpoint had covered, and no more
      long expected = evs.size() - previous.trainingOffsets().values().stream().mapToLong(Long::longValue).sum();
      await(() -> trainer.eventsConsumed() == expected, trainer, "the events after v" + previous.version());
    }
  }

  private static long[] concat(long[] a, long[] b) {
    var out = new long[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aTrainerKilledMidStreamResumesAndTrainsEveryExampleExactlyOnce() throws Exception {
    publishCatalog(40);
    var evs = events(30, 20, 40, "u");
    publish(evs);
    var dir = tmp.resolve("ckpt");
    var first = new Recorder();
    first.crashAfterStep = 20; // checkpoints after steps 3, 6, ..., 18; steps 19-20 are lost with the crash
    var t1 = OnlineTrainer.start(config(dir), new HashTextEncoder(), new SimpleMeterRegistry(), first, Duration.ofSeconds(60));
    t1.awaitTermination();
    assertThat(t1.failure()).hasMessageContaining("simulated crash");
    var lastV1 = first.published.get(first.published.size() - 1);
    long covered = first.stepsCovered(lastV1.version());
    assertThat(covered).isEqualTo(18);
    assertThat(first.steps).hasSize(20);

    var second = new Recorder();
    try (var t2 = OnlineTrainer.start(config(dir), new HashTextEncoder(), new SimpleMeterRegistry(), second, Duration.ofSeconds(60))) {
      assertThat(second.startedAt.get()).isEqualTo(lastV1.version());
      long remaining = evs.size() - first.steps.stream().filter(s -> s.number() <= covered)
          .mapToLong(s -> s.eventIds().size()).sum();
      await(() -> t2.eventsConsumed() == remaining, t2, "the rest of the stream");
    }
    var count = new HashMap<String, Integer>();
    first.steps.stream().filter(s -> s.number() <= covered).forEach(s -> s.eventIds().forEach(id -> count.merge(id, 1, Integer::sum)));
    second.steps.forEach(s -> s.eventIds().forEach(id -> count.merge(id, 1, Integer::sum)));
    assertThat(count).hasSize(evs.size());
    assertThat(count.values()).allMatch(c -> c == 1);
    // and the model's own count: every event with a history, once
    long withHistory = evs.stream().filter(e -> !e.history().isEmpty()).count();
    var finalCkpt = CheckpointFiles.read(Path.of(second.published.get(second.published.size() - 1).path()));
    assertThat(finalCkpt.metrics().get("examples_trained")).isEqualTo((double) withHistory);
    assertThat(finalCkpt.offsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(evs.size());
    assertThat(Files.list(dir).count()).isLessThanOrEqualTo(3); // older checkpoints are pruned
  }

  @Test
  void idleReplayKeepsTrainingWithoutConsumingOrMovingTheOffsets() throws Exception {
    publishCatalog(30);
    var evs = events(4, 10, 30, "u");
    publish(evs);
    var rec = new Recorder();
    var b = config(tmp.resolve("ckpt")).toBuilder();
    b.idleReplay = true;
    try (var trainer = OnlineTrainer.start(b.build(), new HashTextEncoder(), new SimpleMeterRegistry(), rec, Duration.ofSeconds(60))) {
      await(() -> trainer.eventsConsumed() == evs.size(), trainer, "the events");
      int consumingSteps = (int) rec.steps.stream().filter(s -> !s.eventIds().isEmpty()).count();
      await(() -> rec.published.size() >= 3 && rec.steps.size() > consumingSteps + 6, trainer, "replay-only steps and checkpoints");
      assertThat(trainer.eventsConsumed()).isEqualTo(evs.size());
    }
    var replayOnly = rec.steps.stream().filter(s -> s.eventIds().isEmpty()).toList();
    assertThat(replayOnly).isNotEmpty().allMatch(s -> s.trained() == 0 && s.replayed() == 16);
    var last = rec.published.get(rec.published.size() - 1);
    var beforeIdle = rec.published.stream().filter(m -> m.metrics().get("steps") <= rec.steps.stream()
        .filter(s -> !s.eventIds().isEmpty()).mapToLong(OnlineTrainer.Step::number).max().orElseThrow()).toList();
    assertThat(last.trainingOffsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(evs.size());
    assertThat(last.metrics().get("examples_trained")).isEqualTo((double) evs.stream().filter(e -> !e.history().isEmpty()).count());
    assertThat(last.version()).isGreaterThan(beforeIdle.isEmpty() ? 0 : beforeIdle.get(beforeIdle.size() - 1).version());
  }

  @Test
  void behindTheStreamStepsShedTheReplayUntilCaughtUp() throws Exception {
    publishCatalog(40);
    var evs = events(30, 20, 40, "u"); // 600 events waiting before the trainer starts
    publish(evs);
    var rec = new Recorder();
    var b = config(tmp.resolve("ckpt")).toBuilder();
    b.catchUpLag = 100;
    try (var trainer = OnlineTrainer.start(b.build(), new HashTextEncoder(), new SimpleMeterRegistry(), rec, Duration.ofSeconds(60))) {
      await(() -> trainer.eventsConsumed() == evs.size(), trainer, "the events");
    }
    var consuming = rec.steps.stream().filter(s -> s.trained() > 0).toList();
    // while more than 100 events wait (the first ~30 steps of 16), no step replays...
    assertThat(consuming.subList(0, 20)).allMatch(s -> s.replayed() == 0);
    // ...and once fewer wait, steps mix replayed examples in again (replay ratio 1)
    var tail = consuming.subList(consuming.size() - 3, consuming.size());
    assertThat(tail).anyMatch(s -> s.replayed() > 0);
  }
}
