package org.lrdstream.ingest.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Stores;
import org.lrdstream.state.Topics;
import org.lrdstream.state.Topics.DlqHeaders;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.state.records.Item;
import org.lrdstream.state.records.RecordSerdes;
import org.lrdstream.state.records.SequenceEvent;

class IngestTopologyTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final long T0 = NOW.minus(Duration.ofDays(1)).toEpochMilli();

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> interactions;
  private TestInputTopic<byte[], byte[]> items;
  private TestOutputTopic<String, SequenceEvent> sequenceEvents;
  private TestOutputTopic<byte[], byte[]> dlq;

  private void start(IngestConfig config) {
    Properties props = config.withStateDir(stateDir).streamsProperties();
    driver = new TopologyTestDriver(IngestTopology.build(config), props, NOW);
    var bytes = new ByteArraySerializer();
    interactions = driver.createInputTopic(Topics.INTERACTIONS, bytes, bytes);
    items = driver.createInputTopic(Topics.ITEMS, bytes, bytes);
    sequenceEvents =
        driver.createOutputTopic(
            Topics.SEQUENCE_EVENTS,
            new StringDeserializer(),
            RecordSerdes.sequenceEvent().deserializer());
    dlq =
        driver.createOutputTopic(
            Topics.INTERACTIONS_DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private void start() {
    start(IngestConfig.defaults());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void send(String user, String json) {
    interactions.pipeInput(user == null ? null : user.getBytes(UTF_8), json == null ? null : json.getBytes(UTF_8));
  }

  private static String event(String user, String item, long ts) {
    return "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"ts\":" + ts + "}";
  }

  private static String event(String user, String item, long ts, String eventId) {
    return "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"ts\":" + ts
        + ",\"type\":\"click\",\"event_id\":\"" + eventId + "\"}";
  }

  private double ingestMetric(String name) {
    return driver.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals(MetricNames.INGEST_GROUP)
            && e.getKey().name().equals(name + "-total"))
        .mapToDouble(e -> (Double) e.getValue().metricValue())
        .sum();
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }

  private static List<String> items(List<HistoryEntry> history) {
    return history.stream().map(HistoryEntry::item).toList();
  }

  @Test
  void anAcceptedEventCarriesTheUsersHistoryBeforeIt() {
    start();
    send("u1", event("u1", "a", T0));
    send("u1", event("u1", "b", T0 + 1000));
    send("u1", "{\"user\":\"u1\",\"item\":\"c\",\"ts\":\"2024-04-30T12:00:02Z\",\"type\":\"purchase\"}");

    var out = sequenceEvents.readKeyValuesToList();
    assertThat(out).hasSize(3);
    assertThat(out.get(0).value.history()).isEmpty();
    assertThat(out.get(2).key).isEqualTo("u1");
    var last = out.get(2).value;
    assertThat(last.item()).isEqualTo("c");
    assertThat(last.ts()).isEqualTo(T0 + 2000);
    assertThat(last.history())
        .containsExactly(new HistoryEntry("a", T0), new HistoryEntry("b", T0 + 1000));
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(ingestMetric(MetricNames.ACCEPTED)).isEqualTo(3.0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed_json     | {\"user\":\"u1\",\"item\":",
        "malformed_json     | ",
        "wrong_type         | [\"u1\",\"a\"]",
        "missing_field      | {\"item\":\"a\",\"ts\":1714478400000}",
        "missing_field      | {\"user\":\"u1\",\"item\":\"\",\"ts\":1714478400000}",
        "missing_field      | {\"user\":\"u1\",\"item\":\"a\"}",
        "wrong_type         | {\"user\":\"u1\",\"item\":42,\"ts\":1714478400000}",
        "wrong_type         | {\"user\":\"u1\",\"item\":\"a\",\"ts\":{\"s\":1}}",
        "bad_timestamp      | {\"user\":\"u1\",\"item\":\"a\",\"ts\":\"last tuesday\"}",
        "future_timestamp   | {\"user\":\"u1\",\"item\":\"a\",\"ts\":\"2024-05-01T13:00:00Z\"}",
        "unknown_event_type | {\"user\":\"u1\",\"item\":\"a\",\"ts\":1714478400000,\"type\":\"hover\"}",
        "unsupported_schema | {\"schema\":7,\"user\":\"u1\",\"item\":\"a\",\"ts\":1714478400000}",
      })
  void eachBadInputGoesToTheDlqUntouchedWithItsReasonAndSource(String reason, String json) {
    start();
    var headers = new RecordHeaders().add("trace", "t-1".getBytes(UTF_8));
    var value = json == null ? null : json.getBytes(UTF_8);
    interactions.pipeInput(new TestRecord<>("u1".getBytes(UTF_8), value, headers, NOW.minusSeconds(5)));
    send("u1", event("u1", "ok", T0)); // the topology keeps going after a bad record

    var rejected = dlq.readRecordsToList();
    assertThat(rejected).hasSize(1);
    var r = rejected.get(0);
    assertThat(r.value()).isEqualTo(value);
    assertThat(r.key()).isEqualTo("u1".getBytes(UTF_8));
    assertThat(header(r, DlqHeaders.REASON)).isEqualTo(reason);
    assertThat(header(r, DlqHeaders.ERROR)).isNotBlank();
    assertThat(header(r, DlqHeaders.SOURCE_TOPIC)).isEqualTo(Topics.INTERACTIONS);
    assertThat(header(r, DlqHeaders.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(header(r, DlqHeaders.SOURCE_OFFSET)).isEqualTo("0");
    assertThat(header(r, "trace")).isEqualTo("t-1");
    assertThat(ingestMetric(MetricNames.REJECTED_PREFIX + reason)).isEqualTo(1.0);
    assertThat(sequenceEvents.readValuesToList()).extracting(SequenceEvent::item).containsExactly("ok");
  }

  @Test
  void anOversizedRecordGoesToTheDlq() {
    start(IngestConfig.defaults().withMaxRecordBytes(200));
    var json = "{\"user\":\"u1\",\"item\":\"" + "x".repeat(300) + "\",\"ts\":" + T0 + "}";
    send("u1", json);
    var r = dlq.readRecord();
    assertThat(header(r, DlqHeaders.REASON)).isEqualTo("oversized");
    assertThat(header(r, DlqHeaders.ERROR)).contains("limit is 200");
    assertThat(new String(r.value(), UTF_8)).isEqualTo(json);
    assertThat(sequenceEvents.isEmpty()).isTrue();
  }

  @Test
  void anEventOutOfOrderWithinGraceIsInsertedInPlace() {
    start(IngestConfig.defaults().withGrace(Duration.ofMinutes(10)));
    send("u1", event("u1", "a", T0));
    send("u1", event("u1", "c", T0 + 120_000));
    send("u1", event("u1", "b", T0 + 60_000)); // one minute behind the latest: within grace
    send("u1", event("u1", "d", T0 + 180_000));

    var out = sequenceEvents.readValuesToList();
    assertThat(items(out.get(2).history())).as("history before b").containsExactly("a");
    assertThat(items(out.get(3).history())).as("history before d").containsExactly("a", "b", "c");
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void anEventLaterThanGraceGoesToTheDlqAndLeavesTheHistoryAlone() {
    start(IngestConfig.defaults().withGrace(Duration.ofMinutes(10)));
    send("u1", event("u1", "a", T0));
    send("u1", event("u1", "b", T0 + 3_600_000));
    var late = event("u1", "old", T0 + 60_000); // 59 minutes behind b
    send("u1", late);
    send("u1", event("u1", "c", T0 + 3_700_000));

    var r = dlq.readRecord();
    assertThat(header(r, DlqHeaders.REASON)).isEqualTo("late");
    assertThat(header(r, DlqHeaders.ERROR)).contains("grace period is PT10M");
    assertThat(header(r, DlqHeaders.SOURCE_OFFSET)).isEqualTo("2");
    assertThat(new String(r.value(), UTF_8)).isEqualTo(late);
    var out = sequenceEvents.readValuesToList();
    assertThat(out).extracting(SequenceEvent::item).containsExactly("a", "b", "c");
    assertThat(items(out.get(2).history())).containsExactly("a", "b");
    assertThat(ingestMetric(MetricNames.REJECTED_PREFIX + "late")).isEqualTo(1.0);
  }

  @Test
  void aRepeatedEventIdWithinTheWindowEntersTheHistoryOnce() {
    start(IngestConfig.defaults().withDedupWindow(Duration.ofHours(1)));
    send("u1", event("u1", "a", T0, "e-1"));
    send("u1", event("u1", "a", T0, "e-1")); // a retried publish
    send("u1", event("u1", "b", T0 + 1000, "e-2"));
    driver.advanceWallClockTime(Duration.ofMinutes(30));
    send("u1", event("u1", "a", T0 + 500, "e-1")); // same id, half an hour later: still a repeat

    var out = sequenceEvents.readValuesToList();
    assertThat(out).extracting(SequenceEvent::item).containsExactly("a", "b");
    assertThat(out.get(0).eventId()).isEqualTo("e-1");
    assertThat(items(out.get(1).history())).containsExactly("a");
    assertThat(ingestMetric(MetricNames.DUPLICATES)).isEqualTo(2.0);
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void theSameEventIdOutsideTheWindowIsANewEvent() {
    start(IngestConfig.defaults().withDedupWindow(Duration.ofMinutes(1)));
    send("u1", event("u1", "a", T0, "e-1"));
    driver.advanceWallClockTime(Duration.ofMinutes(2));
    send("u1", event("u1", "a", T0, "e-1")); // re-published two minutes later
    assertThat(sequenceEvents.readValuesToList()).hasSize(2);
  }

  @Test
  void theHistoryKeepsTheLastNItems() {
    start(IngestConfig.defaults().withHistoryLength(3));
    for (int i = 0; i < 6; i++) {
      send("u1", event("u1", "i" + i, T0 + i));
    }
    var out = sequenceEvents.readValuesToList();
    assertThat(items(out.get(5).history())).containsExactly("i2", "i3", "i4");
    var stored =
        driver.<String, UserHistory>getKeyValueStore(Stores.USER_SEQUENCES).get("u1");
    assertThat(items(stored.entries())).containsExactly("i3", "i4", "i5");
  }

  @Test
  void theDefaultHistoryLengthIsTwenty() {
    start();
    for (int i = 0; i < 25; i++) {
      send("u1", event("u1", "i" + i, T0 + i));
    }
    var last = sequenceEvents.readValuesToList().get(24);
    assertThat(last.history()).hasSize(20);
    assertThat(last.history().get(0).item()).isEqualTo("i4");
  }

  @Test
  void usersHaveSeparateHistories() {
    start();
    send("u1", event("u1", "a", T0));
    send("u2", event("u2", "b", T0 + 1));
    send("u1", event("u1", "c", T0 + 2));
    var out = sequenceEvents.readValuesToList();
    assertThat(items(out.get(2).history())).containsExactly("a");
    assertThat(out.get(1).history()).isEmpty();
  }

  @Test
  void aRecordNotKeyedByItsUserIsRoutedToTheUserNotDropped() {
    start();
    send("u1", event("u1", "a", T0));
    send(null, event("u1", "b", T0 + 1));
    send("someone-else", event("u1", "c", T0 + 2));
    var out = sequenceEvents.readKeyValuesToList();
    assertThat(out).extracting(kv -> kv.key).containsOnly("u1");
    assertThat(out.get(2).value.history()).extracting(HistoryEntry::item).containsExactly("a", "b");
  }

  @Test
  void itemsGoToTheCatalogBeforeOrAfterTheirFirstInteraction() {
    start();
    send("u1", event("u1", "late-item", T0));
    items.pipeInput("early-item".getBytes(UTF_8),
        ("{\"item\":\"early-item\",\"text\":\"Stapler, black\",\"attributes\":{\"category\":\"3\"},"
            + "\"relations\":{\"complement\":[\"late-item\"]}}").getBytes(UTF_8));
    items.pipeInput("late-item".getBytes(UTF_8),
        "{\"item\":\"late-item\",\"text\":\"Staples\"}".getBytes(UTF_8));
    send("u1", event("u1", "early-item", T0 + 1));

    var catalog = driver.<String, Item>getKeyValueStore(Stores.ITEM_CATALOG);
    assertThat(catalog.get("early-item").relations()).containsEntry("complement", List.of("late-item"));
    assertThat(catalog.get("early-item").attributes()).containsEntry("category", List.of("3"));
    assertThat(catalog.get("late-item").text()).isEqualTo("Staples");
    assertThat(sequenceEvents.readValuesToList()).hasSize(2);

    items.pipeInput("late-item".getBytes(UTF_8), (byte[]) null); // tombstone
    assertThat(catalog.get("late-item")).isNull();
    assertThat(ingestMetric(MetricNames.ITEMS_STORED)).isEqualTo(3.0);
  }

  @Test
  void aBadItemGoesToTheDlqWithItsSourceTopic() {
    start();
    items.pipeInput("x".getBytes(UTF_8), "{\"text\":\"no id\"}".getBytes(UTF_8));
    var r = dlq.readRecord();
    assertThat(header(r, DlqHeaders.REASON)).isEqualTo("missing_field");
    assertThat(header(r, DlqHeaders.SOURCE_TOPIC)).isEqualTo(Topics.ITEMS);
  }
}
