package org.lrdstream.state.records;

import java.util.Locale;

/** Why ingest rejected a record; the wire name is the DLQ header value and the metric suffix. */
public enum RejectReason {
  /** Not JSON at all, or no value. */
  MALFORMED_JSON,
  /** A required field (user, item, ts) is absent, null or empty. */
  MISSING_FIELD,
  /** A field has the wrong JSON type (a number where an id string belongs...). */
  WRONG_TYPE,
  /** {@code ts} is a string that is not an ISO-8601 date-time, or a negative number. */
  BAD_TIMESTAMP,
  /** {@code ts} lies further in the future than the allowed clock skew. */
  FUTURE_TIMESTAMP,
  /** The record is larger than the configured maximum. */
  OVERSIZED,
  /** {@code type} is not one of view, click, purchase, rating. */
  UNKNOWN_EVENT_TYPE,
  /** {@code schema} is newer than this version of lrd-stream understands. */
  UNSUPPORTED_SCHEMA,
  /** Older than the user's latest event by more than the grace period. */
  LATE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
