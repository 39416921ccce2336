package org.lrdstream.scorer.topology;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.serving.ModelHolder;
import org.lrdstream.state.Stores;
import org.lrdstream.state.Topics;
import org.lrdstream.state.records.RecordSerdes;

/**
 * The scorer topology: everything it reads, keeps and writes is wired here.
 *
 * <pre>
 * model-checkpoints ─► follow checkpoints (global store model-checkpoints-store) ─► ModelHolder
 *                                                                                      │ (between records)
 * sequence-events ─► score event (last-recommendations: online HR/NDCG) ◄──────────────┘
 *                      batch: up to --batch events wait in score-buffer (changelogged) for one pass
 *                      candidates: dot-product retrieval + relation neighbours + popular
 *                      rerank: the full model's forward pass; top-K with reasons
 *                  ─► recommendations
 * </pre>
 */
public final class ScorerTopology {
  private ScorerTopology() {}

  public static Topology build(ScorerConfig config, ModelHolder holder) {
    return build(config, holder, c -> System.currentTimeMillis());
  }

  /** With the wall clock {@link ScoreEvent} reads (tests: the test driver's). */
  static Topology build(ScorerConfig config, ModelHolder holder,
      java.util.function.ToLongFunction<org.apache.kafka.streams.processor.api.ProcessorContext<?, ?>> clock) {
    var builder = new StreamsBuilder();
    var strings = Serdes.String();
    builder.addStateStore(
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.LAST_RECOMMENDATIONS),
                strings,
                RecordSerdes.recommendation())
            .withCachingEnabled());
    String[] stores = {Stores.LAST_RECOMMENDATIONS};
    if (config.batch() > 1) {
      builder.addStateStore(
          org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                  org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.SCORE_BUFFER),
                  Serdes.Long(),
                  new BufferedEventSerde()));
      stores = new String[] {Stores.LAST_RECOMMENDATIONS, Stores.SCORE_BUFFER};
    }
    // A global store: every instance follows every checkpoint, whatever partitions it scores.
    builder.addGlobalStore(
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.persistentKeyValueStore(Stores.MODEL_CHECKPOINTS),
                strings,
                Serdes.ByteArray())
            .withLoggingDisabled(),
        Topics.MODEL_CHECKPOINTS,
        Consumed.with(strings, Serdes.ByteArray()).withName("read-model-checkpoints"),
        () -> new FollowCheckpoints(holder, config));
    builder
        .stream(Topics.SEQUENCE_EVENTS,
            Consumed.with(strings, RecordSerdes.sequenceEvent()).withName("read-sequence-events"))
        .process(() -> new ScoreEvent(config, holder, clock), Named.as("score-event"), stores)
        .to(Topics.RECOMMENDATIONS,
            Produced.with(strings, RecordSerdes.recommendation()).withName("write-recommendations"));
    return builder.build();
  }
}
