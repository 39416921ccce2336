package org.lrdstream.state.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * A user's interaction with an item, the record on {@code interactions} (key: user id).
 *
 * @param ts event time in epoch milliseconds (ISO-8601 is accepted on input, see {@link
 *     InteractionCodec})
 * @param eventId optional; when present, a repeat of it within the de-duplication window is ignored
 */
@JsonPropertyOrder({"schema", "user", "item", "ts", "type", "event_id"})
public record Interaction(
    String user,
    String item,
    long ts,
    EventType type,
    @JsonProperty("event_id") @JsonInclude(JsonInclude.Include.NON_NULL) String eventId) {

  public static final int SCHEMA = 1;

  public Interaction {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(item, "item");
    Objects.requireNonNull(type, "type");
  }

  @JsonProperty("schema")
  public int schema() {
    return SCHEMA;
  }
}
