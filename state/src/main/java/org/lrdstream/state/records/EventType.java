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

  private static final EventType[] ALL = values();

  private final String wireName = name().toLowerCase(Locale.ROOT);
  private final Optional<EventType> self = Optional.of(this);

  /** The name on the wire: lower case. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The type with this wire name (case-insensitive), or empty when there is none. */
  public static Optional<EventType> fromWireName(String name) {
    // on the ingest path for every event: no allocation, no lower-casing
    for (var t : ALL) {
      if (t.wireName.equals(name)) {
        return t.self;
      }
    }
    for (var t : ALL) {
      if (t.wireName.equalsIgnoreCase(name)) {
        return t.self;
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
