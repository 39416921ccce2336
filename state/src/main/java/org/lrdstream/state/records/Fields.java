package org.lrdstream.state.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Strict reading of the fields of an input record, each failure with its reason. */
final class Fields {
  private Fields() {}

  static JsonNode object(byte[] bytes, String what) throws RecordRejectedException {
    if (bytes == null || bytes.length == 0) {
      throw new RecordRejectedException(
          RejectReason.MALFORMED_JSON, what + " record has no value (expected a JSON object)");
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new RecordRejectedException(
          RejectReason.MALFORMED_JSON, "not valid JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode()) {
      throw new RecordRejectedException(RejectReason.MALFORMED_JSON, "not valid JSON: no content");
    }
    if (!root.isObject()) {
      throw new RecordRejectedException(
          RejectReason.WRONG_TYPE, what + " must be a JSON object, got " + typeName(root));
    }
    return root;
  }

  static void schema(JsonNode root, int supported) throws RecordRejectedException {
    var s = root.get("schema");
    if (s == null || s.isNull()) {
      return; // absent means the first version
    }
    if (!s.canConvertToInt() || !s.isIntegralNumber()) {
      throw new RecordRejectedException(
          RejectReason.WRONG_TYPE, "schema must be an integer, got " + typeName(s));
    }
    if (s.intValue() < 1 || s.intValue() > supported) {
      throw new RecordRejectedException(
          RejectReason.UNSUPPORTED_SCHEMA,
          "schema " + s.intValue() + " is not supported (this version reads 1.." + supported + ")");
    }
  }

  /** A required, non-blank id string. */
  static String id(JsonNode root, String field) throws RecordRejectedException {
    var v = root.get(field);
    if (v == null || v.isNull()) {
      throw new RecordRejectedException(RejectReason.MISSING_FIELD, field + " is missing");
    }
    if (!v.isTextual()) {
      throw new RecordRejectedException(
          RejectReason.WRONG_TYPE, field + " must be a string, got " + typeName(v));
    }
    if (v.textValue().isBlank()) {
      throw new RecordRejectedException(RejectReason.MISSING_FIELD, field + " is empty");
    }
    return v.textValue();
  }

  /** An optional string; null when absent or JSON null. */
  static String optionalString(JsonNode root, String field) throws RecordRejectedException {
    var v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new RecordRejectedException(
          RejectReason.WRONG_TYPE, field + " must be a string, got " + typeName(v));
    }
    return v.textValue();
  }

  /** Epoch milliseconds from an integer, or from an ISO-8601 date-time with a zone or offset. */
  static long timestamp(JsonNode root, String field) throws RecordRejectedException {
    var v = root.get(field);
    if (v == null || v.isNull()) {
      throw new RecordRejectedException(RejectReason.MISSING_FIELD, field + " is missing");
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong() || v.longValue() < 0) {
        throw new RecordRejectedException(
            RejectReason.BAD_TIMESTAMP,
            field + " " + v.asText() + " is not a time (expected epoch milliseconds >= 0)");
      }
      return v.longValue();
    }
    if (v.isTextual()) {
      var s = v.textValue().trim();
      try {
        return Instant.parse(s).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e2) {
          throw new RecordRejectedException(
              RejectReason.BAD_TIMESTAMP,
              field
                  + " '"
                  + abbreviate(s)
                  + "' is not a time (expected epoch milliseconds or an ISO-8601 date-time with"
                  + " a zone, like 2024-05-01T12:00:00Z)");
        }
      }
    }
    throw new RecordRejectedException(
        RejectReason.WRONG_TYPE,
        field + " must be epoch milliseconds (integer) or an ISO-8601 string, got " + typeName(v));
  }

  static String typeName(JsonNode n) {
    var t = n.getNodeType();
    if (t == JsonNodeType.NUMBER) {
      return n.isIntegralNumber() ? "integer" : "decimal number";
    }
    return t.name().toLowerCase(Locale.ROOT);
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
