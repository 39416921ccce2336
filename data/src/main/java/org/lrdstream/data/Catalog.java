package org.lrdstream.data;

import java.util.List;

/**
 * What is known about the items: their texts (the language model's input), their attributes and
 * their item-item relations. Arrays are indexed by item id, {@code 0..numItems} (0 is padding).
 * {@code originalIds[i]} is the item's id in the source (an ASIN, a MovieLens id) when known.
 */
public record Catalog(
    int numItems,
    String[] texts,
    String[] originalIds,
    List<Attribute> attributes,
    List<ItemRelation> relations) {

  /** Names of the predefined relations, attributes first, in the order the model numbers them. */
  public List<String> predefinedRelationNames() {
    var names = new java.util.ArrayList<String>();
    attributes.forEach(a -> names.add(a.relationName()));
    relations.forEach(r -> names.add(r.name()));
    return names;
  }

  /**
   * The id an item has outside the model — in Kafka records, checkpoints and reports: its
   * original id (ASIN, MovieLens id) when known, else its row number.
   */
  public String externalId(int item) {
    return originalIds != null && item < originalIds.length && originalIds[item] != null
        ? originalIds[item] : Integer.toString(item);
  }

  public String text(int item) {
    return item > 0 && item < texts.length && texts[item] != null ? texts[item] : "";
  }
}
