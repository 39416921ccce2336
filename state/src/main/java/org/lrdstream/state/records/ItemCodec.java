package org.lrdstream.state.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an {@link Item} strictly from the bytes on {@code items}. Attribute values and related ids
 * may be strings or integers (data sets often number them); they are kept as strings.
 */
public final class ItemCodec {
  private ItemCodec() {}

  public static Item decode(byte[] bytes) throws RecordRejectedException {
    var root = Fields.object(bytes, "item");
    Fields.schema(root, Item.SCHEMA);
    var item = Fields.id(root, "item");
    var text = Fields.optionalString(root, "text");
    var attributes = new LinkedHashMap<String, List<String>>();
    for (var e : fieldsOf(root, "attributes")) {
      var where = "attributes." + e.getKey();
      attributes.put(
          e.getKey(),
          e.getValue().isArray() ? list(e.getValue(), where) : List.of(scalar(e.getValue(), where)));
    }
    var relations = new LinkedHashMap<String, List<String>>();
    for (var e : fieldsOf(root, "relations")) {
      var where = "relations." + e.getKey();
      if (!e.getValue().isArray()) {
        throw new RecordRejectedException(
            RejectReason.WRONG_TYPE,
            where + " must be an array of item ids, got " + Fields.typeName(e.getValue()));
      }
      relations.put(e.getKey(), list(e.getValue(), where));
    }
    return new Item(item, text, attributes, relations);
  }

  public static byte[] encode(Item item) {
    try {
      return Json.MAPPER.writeValueAsBytes(item);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write item " + item.item(), e);
    }
  }

  private static List<Map.Entry<String, JsonNode>> fieldsOf(JsonNode root, String field)
      throws RecordRejectedException {
    var v = root.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isObject()) {
      throw new RecordRejectedException(
          RejectReason.WRONG_TYPE, field + " must be a JSON object, got " + Fields.typeName(v));
    }
    var out = new ArrayList<Map.Entry<String, JsonNode>>();
    v.fields().forEachRemaining(out::add);
    return out;
  }

  private static List<String> list(JsonNode array, String where) throws RecordRejectedException {
    var out = new ArrayList<String>(array.size());
    for (var v : array) {
      out.add(scalar(v, where + "[]"));
    }
    return out;
  }

  private static String scalar(JsonNode v, String where) throws RecordRejectedException {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isIntegralNumber()) {
      return v.asText();
    }
    throw new RecordRejectedException(
        RejectReason.WRONG_TYPE, where + " must be a string or integer, got " + Fields.typeName(v));
  }
}
