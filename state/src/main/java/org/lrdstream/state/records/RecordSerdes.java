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
    var json = new JsonSerde<>(SequenceEvent.class, SequenceEvent.SCHEMA);
    return Serdes.serdeFrom(RecordSerdes::writeSequenceEvent, json.deserializer());
  }

  /**
   * A sequence event as the mapper writes it, byte for byte ({@code RecordsTest} checks), with the
   * generator directly: ingest writes one per event, and the mapper's reflective record access was
   * a few percent of its stream thread.
   */
  static byte[] writeSequenceEvent(String topic, SequenceEvent e) {
    if (e == null) {
      return null;
    }
    var out = new com.fasterxml.jackson.core.util.ByteArrayBuilder(128 + 48 * e.history().size());
    try (var g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("schema", SequenceEvent.SCHEMA);
      g.writeStringField("user", e.user());
      g.writeStringField("item", e.item());
      g.writeNumberField("ts", e.ts());
      g.writeStringField("type", e.type() == null ? null : e.type().wireName());
      if (e.eventId() != null) {
        g.writeStringField("event_id", e.eventId());
      }
      g.writeArrayFieldStart("history");
      for (var h : e.history()) {
        g.writeStartObject();
        g.writeStringField("item", h.item());
        g.writeNumberField("ts", h.ts());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (java.io.IOException ex) {
      throw new org.apache.kafka.common.errors.SerializationException("cannot write SequenceEvent to " + topic, ex);
    }
    return out.toByteArray();
  }

  public static Serde<Recommendation> recommendation() {
    return new JsonSerde<>(Recommendation.class, Recommendation.SCHEMA);
  }

  public static Serde<CheckpointMetadata> checkpointMetadata() {
    return new JsonSerde<>(CheckpointMetadata.class, CheckpointMetadata.SCHEMA);
  }
}
