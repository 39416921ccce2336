package org.lrdstream.state.records;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one record type, as JSON. Reading refuses a {@code schema} newer than the
 * type's, so an old reader fails loudly instead of misreading a changed record.
 */
public final class JsonSerde<T> implements Serde<T> {
  private final Class<T> type;
  private final int schema;

  public JsonSerde(Class<T> type, int schema) {
    this.type = type;
    this.schema = schema;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return Json.MAPPER.writeValueAsBytes(value);
      } catch (IOException e) {
        throw new SerializationException("cannot write " + type.getSimpleName() + " to " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        var tree = Json.MAPPER.readTree(bytes);
        var s = tree.get("schema");
        if (s != null && s.isInt() && s.intValue() > schema) {
          throw new SerializationException(
              type.getSimpleName()
                  + " on "
                  + topic
                  + " has schema "
                  + s.intValue()
                  + "; this version reads up to "
                  + schema);
        }
        return Json.MAPPER.treeToValue(tree, type);
      } catch (IOException e) {
        throw new SerializationException(
            "cannot read " + type.getSimpleName() + " from " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
