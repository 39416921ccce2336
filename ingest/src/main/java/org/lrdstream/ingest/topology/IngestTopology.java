package org.lrdstream.ingest.topology;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.state.Stores;
import org.lrdstream.state.Topics;
import org.lrdstream.state.records.JsonSerde;
import org.lrdstream.state.records.RecordSerdes;

/**
 * The ingest topology: everything it reads, keeps and writes is wired here.
 *
 * <pre>
 * interactions ─► validate ─┬─ rejected ─────────────────────────────────────────┐
 *   (raw bytes)             ├─ keyed by user ──────────┐                         │
 *                           └─ other key ─► repartition ┴► drop repeated event ids │
 *                                           by user         (seen-event-ids)      │
 *                                                        ► append to history ─┬─ late ┤
 *                                                          (user-sequences)   │       ├─► interactions-dlq
 *                                                                             └─► sequence-events
 * items ─► store item (item-catalog) ─ rejected ─────────────────────────────────────┘
 * </pre>
 *
 * Under exactly-once v2 the store updates, output records and input offsets of a commit are one
 * Kafka transaction.
 */
public final class IngestTopology {
  private IngestTopology() {}

  public static Topology build(IngestConfig config) {
    var builder = new StreamsBuilder();
    var bytes = Serdes.ByteArray();
    var strings = Serdes.String();

    builder.addStateStore(
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.USER_SEQUENCES),
                strings,
                UserHistory.serde())
            .withCachingEnabled());
    // A window store forgets ids older than the window by dropping whole segments: no scans.
    // No cache: every id is new, so a cache would only delay writes and add a merge to each fetch.
    var window = config.dedupWindow().isZero() ? Duration.ofMillis(1) : config.dedupWindow();
    builder.addStateStore(
        org.apache.kafka.streams.state.Stores.windowStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentWindowStore(
                    Stores.SEEN_EVENT_IDS, window, window, false),
                strings,
                Serdes.Long())
            .withCachingDisabled());
    builder.addStateStore(
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.ITEM_CATALOG),
                strings,
                RecordSerdes.item())
            .withCachingEnabled());

    var validated =
        builder.stream(Topics.INTERACTIONS, Consumed.with(bytes, bytes).withName("read-interactions"))
            .process(() -> new ValidateInteraction(config), Named.as("validate-interaction"));
    var byKind =
        validated
            .split(Named.as("interactions-"))
            .branch((k, v) -> v instanceof IngestOutcome.Rejected, Branched.as("rejected"))
            .branch((k, v) -> ((IngestOutcome.Accepted) v).keyedByUser(), Branched.as("by-user"))
            .defaultBranch(Branched.as("by-other-key"));
    // Clients should key by user (the system's contract); a record keyed otherwise is still valid,
    // so it takes a detour through a repartition topic to its user's partition, never dropped.
    var rekeyed =
        byKind
            .get("interactions-by-other-key")
            .repartition(
                Repartitioned.<String, IngestOutcome>as("interactions-by-user")
                    .withKeySerde(strings)
                    .withValueSerde(outcomeSerde()));
    var afterHistory =
        byKind
            .get("interactions-by-user")
            .merge(rekeyed, Named.as("all-by-user"))
            .process(
                () -> new DropRepeatedEvents(config.dedupWindow().toMillis()),
                Named.as("drop-repeated-events"),
                Stores.SEEN_EVENT_IDS)
            .process(
                () -> new AppendToHistory(config.historyLength(), config.grace()),
                Named.as("append-to-history"),
                Stores.USER_SEQUENCES)
            .split(Named.as("history-"))
            .branch((k, v) -> v instanceof IngestOutcome.Sequenced, Branched.as("sequenced"))
            .defaultBranch(Branched.as("rejected"));
    afterHistory
        .get("history-sequenced")
        .mapValues(v -> ((IngestOutcome.Sequenced) v).event(), Named.as("sequence-event"))
        .to(
            Topics.SEQUENCE_EVENTS,
            Produced.with(strings, RecordSerdes.sequenceEvent()).withName("write-sequence-events"));

    var itemRejects =
        builder.stream(Topics.ITEMS, Consumed.with(bytes, bytes).withName("read-items"))
            .process(
                () -> new StoreItem(config.maxRecordBytes()),
                Named.as("store-item"),
                Stores.ITEM_CATALOG);

    byKind
        .get("interactions-rejected")
        .merge(afterHistory.get("history-rejected"), Named.as("all-rejected-interactions"))
        .merge(itemRejects, Named.as("all-rejected"))
        .process(ToDeadLetter::new, Named.as("to-dead-letter"))
        .to(Topics.INTERACTIONS_DLQ, Produced.with(bytes, bytes).withName("write-dlq"));
    return builder.build();
  }

  private static Serde<IngestOutcome> outcomeSerde() {
    return new JsonSerde<>(IngestOutcome.class, 1);
  }
}
