package org.lrdstream.state;

import java.util.List;
import java.util.Map;

/**
 * Every topic lrd-stream reads or writes, declared once with how it is created. Keys are external
 * ids (strings) throughout; see the README for each record's JSON.
 */
public final class Topics {
  private Topics() {}

  /** Interaction events, key: user id. Written by clients and {@code lrd replay}. */
  public static final String INTERACTIONS = "interactions";
  /** Item catalog (text, attributes, relations), key: item id; compacted: the latest per item wins. */
  public static final String ITEMS = "items";
  /** One per accepted interaction with the user's history before it, key: user id. */
  public static final String SEQUENCE_EVENTS = "sequence-events";
  /** Ranked next items for a user, key: user id. */
  public static final String RECOMMENDATIONS = "recommendations";
  /** Checkpoint metadata, key: model name; compacted: the latest checkpoint wins. */
  public static final String MODEL_CHECKPOINTS = "model-checkpoints";
  /** Rejected input records, byte for byte as they arrived; the reason is in the headers. */
  public static final String INTERACTIONS_DLQ = "interactions-dlq";

  /** Headers of a {@code interactions-dlq} record: why it was rejected and where it came from. */
  public static final class DlqHeaders {
    private DlqHeaders() {}

    /** Machine-readable reason, one of {@code RejectReason}'s wire names. */
    public static final String REASON = "lrd.dlq.reason";
    /** A sentence a person can act on. */
    public static final String ERROR = "lrd.dlq.error";
    public static final String SOURCE_TOPIC = "lrd.dlq.source.topic";
    public static final String SOURCE_PARTITION = "lrd.dlq.source.partition";
    public static final String SOURCE_OFFSET = "lrd.dlq.source.offset";
  }

  /** How a topic is created: partitions (or the cluster default) and topic-level configs. */
  public record TopicSpec(String name, boolean partitioned, Map<String, String> configs) {}

  /**
   * The topics to create. Partitioned topics get the partition count chosen at creation (they are
   * the unit of scale-out, keyed by user); the checkpoint topic has one partition so that there is
   * one total order of model versions. Compaction keeps the latest item and checkpoint forever.
   */
  public static List<TopicSpec> all() {
    var compact = Map.of("cleanup.policy", "compact");
    // Replayed data sets carry event times years in the past; time-based retention would delete
    // them on the next segment roll, so the event topics keep data until an operator says otherwise.
    var keep = Map.of("retention.ms", "-1");
    return List.of(
        new TopicSpec(INTERACTIONS, true, keep),
        new TopicSpec(ITEMS, true, compact),
        new TopicSpec(SEQUENCE_EVENTS, true, keep),
        new TopicSpec(RECOMMENDATIONS, true, Map.of()),
        new TopicSpec(MODEL_CHECKPOINTS, false, compact),
        new TopicSpec(INTERACTIONS_DLQ, false, keep));
  }
}
