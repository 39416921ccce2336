package org.lrdstream.state.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One accepted interaction with the user's history before it, on {@code sequence-events} (key:
 * user id): the training example of the trainer and the query of the scorer.
 *
 * @param history the user's last N items before this one, oldest first, in event-time order
 */
@JsonPropertyOrder({"schema", "user", "item", "ts", "type", "event_id", "history"})
public record SequenceEvent(
    String user,
    String item,
    long ts,
    EventType type,
    @JsonProperty("event_id") @JsonInclude(JsonInclude.Include.NON_NULL) String eventId,
    List<HistoryEntry> history) {

  public static final int SCHEMA = 1;

  public SequenceEvent {
    history = history == null ? List.of() : List.copyOf(history);
  }

  @JsonProperty("schema")
  public int schema() {
    return SCHEMA;
  }
}
