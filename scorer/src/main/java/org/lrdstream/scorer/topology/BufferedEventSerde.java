package org.lrdstream.scorer.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;
import org.lrdstream.state.records.RecordSerdes;
import org.lrdstream.state.records.SequenceEvent;

/**
 * A sequence event waiting in the scorer's batch buffer, with its record timestamp (the event time
 * the end-to-end latency is measured from): 8 bytes of timestamp, then the event's JSON.
 */
final class BufferedEventSerde implements Serde<Record<String, SequenceEvent>> {
  private final Serde<SequenceEvent> events = RecordSerdes.sequenceEvent();

  @Override
  public Serializer<Record<String, SequenceEvent>> serializer() {
    return (topic, r) -> {
      if (r == null) {
        return null;
      }
      var json = events.serializer().serialize(topic, r.value());
      return ByteBuffer.allocate(8 + json.length).putLong(r.timestamp()).put(json).array();
    };
  }

  @Override
  public Deserializer<Record<String, SequenceEvent>> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      long ts = ByteBuffer.wrap(bytes, 0, 8).getLong();
      var event = events.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, 8, bytes.length));
      return new Record<>(event.user(), event, ts);
    };
  }
}
