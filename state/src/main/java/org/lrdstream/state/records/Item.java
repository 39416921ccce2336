package org.lrdstream.state.records;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A catalog record, on {@code items} (key: item id, compacted). Items sharing an attribute value
 * give the knowledge graph's share-attribute triplets; {@code relations} gives its item-item
 * triplets: {@code j} in {@code relations[r]} of item {@code i} means {@code (i, r, j)}.
 *
 * @param text the input of the text encoder (title, category, brand...)
 * @param attributes attribute name to value, e.g. {@code category -> "12"}
 * @param relations relation name to related item ids, e.g. {@code complement -> ["7", "40"]}
 */
@JsonPropertyOrder({"schema", "item", "text", "attributes", "relations"})
public record Item(
    String item, String text, Map<String, String> attributes, Map<String, List<String>> relations) {

  public static final int SCHEMA = 1;

  public Item {
    Objects.requireNonNull(item, "item");
    text = text == null ? "" : text;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    relations = relations == null ? Map.of() : copyLists(relations);
  }

  @JsonProperty("schema")
  public int schema() {
    return SCHEMA;
  }

  private static Map<String, List<String>> copyLists(Map<String, List<String>> m) {
    var out = new java.util.LinkedHashMap<String, List<String>>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return java.util.Collections.unmodifiableMap(out);
  }
}
