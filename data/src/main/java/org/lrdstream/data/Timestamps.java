package org.lrdstream.data;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * Timestamps as users write them, to epoch milliseconds: epoch seconds, epoch milliseconds, or
 * ISO-8601. A number below {@value #MILLIS_THRESHOLD} is seconds (that is before the year 5138),
 * a larger one milliseconds (after March 1973), so both readings of real event times agree. An ISO
 * time without a zone ({@code 2024-05-01T12:00:00}, or a date alone) is taken as UTC.
 */
public final class Timestamps {
  static final long MILLIS_THRESHOLD = 100_000_000_000L;

  private Timestamps() {}

  /** Epoch milliseconds, or an {@link IllegalArgumentException} saying what forms are accepted. */
  public static long toEpochMillis(String s) {
    var t = s.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty timestamp");
    }
    if (t.matches("-?\\d+(\\.\\d+)?")) {
      var v = new BigDecimal(t);
      if (v.abs().compareTo(BigDecimal.valueOf(MILLIS_THRESHOLD)) >= 0) {
        return v.longValue();
      }
      return v.movePointRight(3).longValue();
    }
    // "2024-05-01 12:00:00" is common in exports; ISO wants the 'T'.
    var iso = t.matches("\\d{4}-\\d{2}-\\d{2} \\d.*") ? t.replaceFirst(" ", "T") : t;
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // not an instant with 'Z'; try the other ISO forms
    }
    try {
      return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // no offset
    }
    try {
      return ZonedDateTime.parse(iso).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // no zone
    }
    try {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // no time
    }
    try {
      return LocalDate.parse(iso).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("timestamp '" + s + "' is neither epoch seconds, epoch milliseconds"
          + " nor ISO-8601 (like 2024-05-01T12:00:00Z)");
    }
  }
}
