package org.lrdstream.state.records;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** What a user did with an item. The set is closed: anything else is rejected at ingest. */
public enum EventType {
  VIEW,
  CLICK,
  PURCHASE,
  RATING;

  /** The name on the wire: lower case. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type with this wire name (case-insensitive), or empty when there is none. */
  public static Optional<EventType> fromWireName(String name) {
    for (var t : values()) {
      if (t.wireName().equalsIgnoreCase(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @JsonCreator
  static EventType parse(String name) {
    return fromWireName(name)
        .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + name + "'"));
  }
}
