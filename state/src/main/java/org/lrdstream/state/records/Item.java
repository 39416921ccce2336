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
 * @param attributes attribute name to its values, e.g. {@code category -> ["12"]}; several for a
 *     multi-valued attribute ({@code genre -> ["3", "7"]}). A plain string is read as one value.
 * @param relations relation name to related item ids, e.g. {@code complement -> ["7", "40"]}
 */
@JsonPropertyOrder({"schema", "item", "text", "attributes", "relations"})
public record Item(
    String item,
    String text,
    Map<String, List<String>> attributes,
    Map<String, List<String>> relations) {

  public static final int SCHEMA = 1;

  public Item {
    Objects.requireNonNull(item, "item");
    text = text == null ? "" : text;
    attributes = attributes == null ? Map.of() : copyLists(attributes);
    relations = relations == null ? Map.of() : copyLists(relations);
  }

  @JsonProperty("schema")
  public int schema() {
    return SCHEMA;
  }

  /** The first value of an attribute, for single-valued ones such as category. */
  public java.util.Optional<String> attribute(String name) {
    var values = attributes.get(name);
    return values == null || values.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(values.get(0));
  }

  private static Map<String, List<String>> copyLists(Map<String, List<String>> m) {
    var out = new java.util.LinkedHashMap<String, List<String>>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return java.util.Collections.unmodifiableMap(out);
  }
}
