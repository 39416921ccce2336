package org.lrdstream.state.records;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The serde of each record type, one place for every role. */
public final class RecordSerdes {
  private RecordSerdes() {}

  /**
   * Interactions are read with the same rules as ingest applies (ISO-8601 timestamps accepted), so
   * any record ingest accepted reads back; a record it would reject fails with the reason.
   */
  public static Serde<Interaction> interaction() {
    return Serdes.serdeFrom(
        (topic, v) -> v == null ? null : InteractionCodec.encode(v),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return InteractionCodec.decode(bytes);
          } catch (RecordRejectedException e) {
            throw new SerializationException(
                "invalid interaction on " + topic + " (" + e.reason().wireName() + "): "
                    + e.getMessage());
          }
        });
  }

  public static Serde<Item> item() {
    return new JsonSerde<>(Item.class, Item.SCHEMA);
  }

  public static Serde<SequenceEvent> sequenceEvent() {
    return new JsonSerde<>(SequenceEvent.class, SequenceEvent.SCHEMA);
  }

  public static Serde<Recommendation> recommendation() {
    return new JsonSerde<>(Recommendation.class, Recommendation.SCHEMA);
  }

  public static Serde<CheckpointMetadata> checkpointMetadata() {
    return new JsonSerde<>(CheckpointMetadata.class, CheckpointMetadata.SCHEMA);
  }
}
