package org.lrdstream.scorer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.TinyCheckpoints;
import org.lrdstream.scorer.serving.ModelHolder;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Topics;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.records.CheckpointMetadata;
import org.lrdstream.state.records.EventType;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.state.records.Recommendation;
import org.lrdstream.state.records.RecordSerdes;
import org.lrdstream.state.records.SequenceEvent;

class ScorerTopologyTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path tmp;
  private ModelHolder holder;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> checkpoints;
  private TestInputTopic<String, SequenceEvent> events;
  private TestOutputTopic<String, Recommendation> recommendations;

  @BeforeEach
  void start() {
    start(ScorerConfig.defaults().toBuilder().build());
  }

  private void start(ScorerConfig base) {
    if (driver != null) {
      driver.close();
      holder.close();
    }
    var b = base.toBuilder();
    b.stateDir = tmp.resolve("state");
    b.topK = base.topK() == 10 ? 3 : base.topK();
    var config = b.build();
    holder = new ModelHolder();
    driver = new TopologyTestDriver(
        ScorerTopology.build(config, holder, org.apache.kafka.streams.processor.api.ProcessorContext::currentSystemTimeMs),
        config.streamsProperties());
    checkpoints = driver.createInputTopic(Topics.MODEL_CHECKPOINTS, new StringSerializer(), new ByteArraySerializer());
    events = driver.createInputTopic(Topics.SEQUENCE_EVENTS, new StringSerializer(),
        RecordSerdes.sequenceEvent().serializer());
    recommendations = driver.createOutputTopic(Topics.RECOMMENDATIONS, new StringDeserializer(),
        RecordSerdes.recommendation().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    holder.close();
  }

  private void publish(long version, long seed) {
    var dir = tmp.resolve("ckpt-v" + version);
    var sha = TinyCheckpoints.write(dir, version, seed, Map.of());
    publish(new CheckpointMetadata(version, T0, dir.toString(), null, sha, Map.of(), Map.of()));
  }

  private void publish(CheckpointMetadata meta) {
    checkpoints.pipeInput("kda+lrd", RecordSerdes.checkpointMetadata().serializer().serialize(Topics.MODEL_CHECKPOINTS, meta));
  }

  private static SequenceEvent event(String user, String item, long ts, String... history) {
    var h = new ArrayList<HistoryEntry>();
    for (int k = 0; k < history.length; k++) {
      h.add(new HistoryEntry(history[k], ts - (history.length - k) * 3_600_000L));
    }
    return new SequenceEvent(user, item, ts, EventType.VIEW, null, h);
  }

  /** Publishes an event and lets the batch wait pass, so that it is scored before the next. */
  private void send(SequenceEvent e) {
    events.pipeInput(e.user(), e, e.ts());
    driver.advanceWallClockTime(java.time.Duration.ofMillis(20));
  }

  private double metric(String name) {
    return driver.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals(MetricNames.SCORER_GROUP) && e.getKey().name().equals(name))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
  }

  @Test
  void everyEventGetsTopKWithReasonsFromItsHistoryAndTheModelVersion() {
    publish(1, 11);
    send(event("u1", "i3", T0, "i1", "i2"));
    send(event("u2", "i5", T0 + 1000, "i4"));
    send(event("u1", "i6", T0 + 2000, "i1", "i2", "i3"));
    var out = recommendations.readKeyValuesToList();
    assertThat(out).hasSize(3);
    assertThat(out).extracting(kv -> kv.key).containsExactly("u1", "u2", "u1");
    for (var kv : out) {
      var rec = kv.value;
      assertThat(rec.modelVersion()).isEqualTo(1);
      assertThat(rec.items()).hasSize(3);
      assertThat(rec.items()).extracting(Recommendation.RecommendedItem::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
      for (var item : rec.items()) {
        assertThat(item.reason().relation()).isIn("sequence", "share-color", "also-buy", "latent-1", "latent-2");
        assertThat(item.reason().becauseOf()).isNotNull();
      }
    }
    // the reason's history item is one of that event's history (or the event's own item)
    assertThat(out.get(1).value.items()).allSatisfy(i -> assertThat(i.reason().becauseOf()).isIn("i4", "i5"));
    assertThat(out.get(0).value.afterEvent()).isEqualTo("u1@" + T0);
    assertThat(metric(MetricNames.RECOMMENDATIONS + "-total")).isEqualTo(3);
    assertThat(metric(MetricNames.CANDIDATES + "-total")).isEqualTo(5 + 6 + 4); // all unseen items
    assertThat(metric(MetricNames.SCORING_LATENCY + "-p99")).isPositive();
    assertThat(metric(MetricNames.REASONS + "-total")).isEqualTo(9);
    // every relation of the model has its reasons counter, named by a reason or not
    assertThat(driver.metrics().keySet().stream()
        .filter(k -> k.group().equals(MetricNames.SCORER_GROUP) && k.name().equals(MetricNames.REASONS + "-total"))
        .map(k -> k.tags().get("relation")).distinct())
        .containsExactlyInAnyOrder("sequence", "share-color", "also-buy", "latent-1", "latent-2");
  }

  @Test
  void itemsInTheHistoryAreExcludedUnlessConfiguredOtherwise() {
    publish(1, 11);
    send(event("u1", "i3", T0, "i1", "i2", "i4"));
    var rec = recommendations.readValue();
    assertThat(rec.items()).extracting(Recommendation.RecommendedItem::item)
        .doesNotContain("i1", "i2", "i3", "i4");

    var b = ScorerConfig.defaults().toBuilder();
    b.excludeSeen = false;
    b.topK = TinyCheckpoints.ITEMS;
    start(b.build());
    publish(1, 11);
    send(event("u1", "i3", T0, "i1", "i2", "i4"));
    assertThat(recommendations.readValue().items()).extracting(Recommendation.RecommendedItem::item)
        .contains("i1", "i2", "i3", "i4").hasSize(TinyCheckpoints.ITEMS);
  }

  @Test
  void aUserTheModelHasNeverSeenGetsPopularItemsWithoutHistoryAndTheModelWithIt() {
    publish(1, 11);
    send(event("stranger", "new-item", T0));
    var rec = recommendations.readValue();
    var bias = TinyCheckpoints.checkpoint(1, 11, Map.of()).tensor("param.itemBias").floats();
    var byBias = IntStream.rangeClosed(1, TinyCheckpoints.ITEMS).boxed()
        .sorted((a, b) -> Float.compare(bias[b], bias[a])).map(i -> "i" + i).limit(3).toList();
    assertThat(rec.items()).extracting(Recommendation.RecommendedItem::item).containsExactlyElementsOf(byBias);
    assertThat(rec.items()).allSatisfy(i -> assertThat(i.reason().relation()).isNull());

    // with a history the model knows, an unknown user is scored by the model (user row 0)
    send(event("stranger", "i2", T0 + 1000, "i1"));
    var scored = recommendations.readValue();
    assertThat(scored.items()).hasSize(3).allSatisfy(i -> assertThat(i.reason().becauseOf()).isIn("i1", "i2"));
    assertThat(metric(MetricNames.CANDIDATES + "-total")).isEqualTo(6);
  }

  @Test
  void anItemUnknownToTheModelIsSkippedInTheHistory() {
    publish(1, 11);
    var i1 = new HistoryEntry("i1", T0 - 7_200_000L);
    send(new SequenceEvent("u1", "i3", T0, EventType.VIEW, null, List.of(i1)));
    send(new SequenceEvent("u1", "i3", T0, EventType.VIEW, null,
        List.of(i1, new HistoryEntry("brand-new", T0 - 3_600_000L))));
    var withoutUnknown = recommendations.readValue();
    var withUnknown = recommendations.readValue();
    assertThat(withUnknown.items()).isEqualTo(withoutUnknown.items());
    assertThat(withUnknown.items()).extracting(Recommendation.RecommendedItem::item).doesNotContain("brand-new");
  }

  @Test
  void aNewerCheckpointServesFromTheNextRecordAndAnOlderOneIsIgnored() {
    publish(1, 11);
    send(event("u1", "i3", T0, "i1", "i2"));
    publish(2, 22);
    send(event("u1", "i3", T0, "i1", "i2"));
    publish(1, 11); // a compacted topic replays old versions: not a downgrade
    send(event("u1", "i3", T0, "i1", "i2"));
    var out = recommendations.readValuesToList();
    assertThat(out).extracting(Recommendation::modelVersion).containsExactly(1L, 2L, 2L);
    assertThat(out.get(1).items()).isNotEqualTo(out.get(0).items()); // other parameters, other scores
    assertThat(metric(MetricNames.CHECKPOINTS_LOADED + "-total")).isEqualTo(2);
    assertThat(metric(MetricNames.MODEL_VERSION)).isEqualTo(2);
  }

  @Test
  void aCorruptCheckpointIsRefusedAndTheCurrentModelKeepsServing() throws IOException {
    publish(1, 11);
    var dir = tmp.resolve("ckpt-v2");
    var sha = TinyCheckpoints.write(dir, 2, 22, Map.of());
    var data = dir.resolve(CheckpointFiles.DATA);
    var bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(data, bytes);
    publish(new CheckpointMetadata(2, T0, dir.toString(), null, sha, Map.of(), Map.of()));
    // announced with a checksum that is not the directory's
    var other = tmp.resolve("ckpt-v3");
    TinyCheckpoints.write(other, 3, 33, Map.of());
    publish(new CheckpointMetadata(3, T0, other.toString(), null, "00".repeat(32), Map.of(), Map.of()));
    // a path that does not exist, and a record that is not JSON
    publish(new CheckpointMetadata(4, T0, tmp.resolve("nowhere").toString(), null, sha, Map.of(), Map.of()));
    checkpoints.pipeInput("kda+lrd", "not json".getBytes());
    send(event("u1", "i3", T0, "i1", "i2"));
    assertThat(recommendations.readValue().modelVersion()).isEqualTo(1);
    assertThat(metric(MetricNames.CHECKPOINTS_REFUSED + "-total")).isEqualTo(4);
    assertThat(holder.version()).isEqualTo(1);
  }

  @Test
  void withoutAnyCheckpointEventsAreCountedNotScored() {
    send(event("u1", "i3", T0, "i1"));
    assertThat(recommendations.isEmpty()).isTrue();
    assertThat(metric(MetricNames.NO_MODEL + "-total")).isEqualTo(1);
  }

  @Test
  void theNextEventIsCheckedAgainstThePreviousListForOnlineHitRateAndNdcg() {
    publish(1, 11);
    send(event("u1", "i3", T0, "i1", "i2"));
    var first = recommendations.readValue();
    var second = first.items().get(1).item();
    send(event("u1", second, T0 + 1000, "i1", "i2", "i3"));
    var next = recommendations.readValue();
    var missed = Arrays.stream(new String[] {"i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8"})
        .filter(i -> next.items().stream().noneMatch(r -> r.item().equals(i)))
        .filter(i -> !List.of("i1", "i2", "i3", second).contains(i)).findFirst();
    // a previous list of 3 holds at most 3 of the 5 unseen items: one of them is a miss
    assertThat(missed).isPresent();
    send(event("u1", missed.get(), T0 + 2000, "i2", "i3", second));
    assertThat(metric(MetricNames.ONLINE_HIT10 + "-count")).isEqualTo(2);
    assertThat(metric(MetricNames.ONLINE_HIT10 + "-sum")).isEqualTo(1);
    assertThat(metric(MetricNames.ONLINE_NDCG10 + "-sum")).isCloseTo(1 / (Math.log(3) / Math.log(2)), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void eventsWaitInTheChangeloggedBufferUntilTheBatchIsFullAndScoreAsTheyWouldAlone() {
    var sequence = List.of(event("u1", "i3", T0, "i1", "i2"), event("u2", "i5", T0 + 1000, "i4"),
        event("u1", "i6", T0 + 2000, "i1", "i2", "i3"));
    var alone = ScorerConfig.defaults().toBuilder();
    alone.batch = 1;
    start(alone.build());
    publish(1, 11);
    for (var e : sequence) {
      events.pipeInput(e.user(), e, e.ts()); // no clock: batch 1 scores at once
    }
    var expected = recommendations.readValuesToList();
    assertThat(expected).hasSize(3);

    var batched = ScorerConfig.defaults().toBuilder();
    batched.batch = 3;
    batched.batchWait = java.time.Duration.ofHours(1); // only a full batch flushes
    start(batched.build());
    publish(1, 11);
    events.pipeInput("u1", sequence.get(0), sequence.get(0).ts());
    events.pipeInput("u2", sequence.get(1), sequence.get(1).ts());
    assertThat(recommendations.isEmpty()).isTrue();
    org.apache.kafka.streams.state.KeyValueStore<Long, ?> buffer = driver.getKeyValueStore(org.lrdstream.state.Stores.SCORE_BUFFER);
    assertThat(buffer.approximateNumEntries()).isEqualTo(2);
    events.pipeInput("u1", sequence.get(2), sequence.get(2).ts());
    var out = recommendations.readKeyValuesToList();
    assertThat(out).extracting(kv -> kv.key).containsExactly("u1", "u2", "u1");
    try (var left = buffer.all()) {
      assertThat(left.hasNext()).isFalse();
    }
    for (int k = 0; k < 3; k++) {
      var got = out.get(k).value;
      var want = expected.get(k);
      assertThat(got.afterEvent()).isEqualTo(want.afterEvent());
      assertThat(got.items()).extracting(Recommendation.RecommendedItem::item)
          .containsExactlyElementsOf(want.items().stream().map(Recommendation.RecommendedItem::item).toList());
      assertThat(got.items()).extracting(i -> i.reason())
          .containsExactlyElementsOf(want.items().stream().map(i -> i.reason()).toList());
      for (int j = 0; j < got.items().size(); j++) {
        assertThat(got.items().get(j).score()).isCloseTo(want.items().get(j).score(), org.assertj.core.data.Offset.offset(1e-5));
      }
    }
    // u1's second event, in the same batch as their first, was checked against the first's list
    assertThat(metric(MetricNames.ONLINE_HIT10 + "-count")).isEqualTo(1);
    assertThat(metric(MetricNames.BATCH_SIZE + "-max")).isEqualTo(3);
  }

  @Test
  void aBatchTheInputStopsFillingIsScoredOnceItsOldestEventHasWaited() {
    var b = ScorerConfig.defaults().toBuilder();
    b.batch = 16;
    b.batchWait = java.time.Duration.ofMillis(50);
    start(b.build());
    publish(1, 11);
    var e = event("u1", "i3", T0, "i1", "i2");
    events.pipeInput(e.user(), e, e.ts());
    driver.advanceWallClockTime(java.time.Duration.ofMillis(20));
    assertThat(recommendations.isEmpty()).isTrue();
    driver.advanceWallClockTime(java.time.Duration.ofMillis(40));
    assertThat(recommendations.readValue().items()).hasSize(3);
    assertThat(metric(MetricNames.RECOMMENDATIONS + "-total")).isEqualTo(1);
  }
}
