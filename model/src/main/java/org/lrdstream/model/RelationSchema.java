package org.lrdstream.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The relation set R of the model, in the order of the relation embedding rows: {@code sequence}
 * (row 0), the predefined attribute relations, the predefined item-item relations, then the K
 * latent relations {@code latent-1..K}.
 */
public record RelationSchema(List<String> names, int attributeCount, int itemRelationCount, int latentCount) {

  public static final String SEQUENCE = "sequence";

  public static RelationSchema of(List<String> attributeRelations, List<String> itemRelations, int latent) {
    var names = new ArrayList<String>();
    names.add(SEQUENCE);
    names.addAll(attributeRelations);
    names.addAll(itemRelations);
    for (int k = 1; k <= latent; k++) {
      names.add("latent-" + k);
    }
    return new RelationSchema(List.copyOf(names), attributeRelations.size(), itemRelations.size(), latent);
  }

  public int size() {
    return names.size();
  }

  /** Row of the first attribute relation (attribute a is at {@code firstAttribute() + a}). */
  public int firstAttribute() {
    return 1;
  }

  public int firstItemRelation() {
    return 1 + attributeCount;
  }

  public int firstLatent() {
    return 1 + attributeCount + itemRelationCount;
  }

  public int predefinedCount() {
    return attributeCount + itemRelationCount;
  }
}
