package org.lrdstream.state.records;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the records: thread-safe once configured. */
public final class Json {
  private Json() {}

  /**
   * Unknown fields are ignored so that a reader of schema 1 still reads records that a newer
   * writer extended with optional fields.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
}
