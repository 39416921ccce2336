package org.lrdstream.trainer.online;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lrdstream.data.Attribute;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.ItemRelation;
import org.lrdstream.model.ItemTables;
import org.lrdstream.model.RelationSchema;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.records.Item;

/**
 * What the online trainer knows about the world, by external id: the rows of users and items (row
 * 0 is padding; a new id gets the next row, so rows never move and a grown table keeps every
 * trained row), the values of each attribute, and each item's catalog record (attribute values,
 * item-item relations by external id, text vector). The relation schema is fixed: attributes and
 * relations that it does not name are ignored (and counted).
 *
 * <p>Not thread-safe: the trainer's single thread owns it.
 */
public final class Vocabulary {
  private final List<String> attributeNames;
  private final List<String> relationNames;
  private final int textDim;
  private final List<String> users = new ArrayList<>(List.of(""));
  private final Map<String, Integer> userRow = new HashMap<>();
  private final List<String> items = new ArrayList<>(List.of(""));
  private final Map<String, Integer> itemRow = new HashMap<>();
  /** Per attribute: value strings in id order (id k+1 at index k). */
  private final List<List<String>> values = new ArrayList<>();
  private final List<Map<String, Integer>> valueId = new ArrayList<>();
  /** Per item row: per attribute its value ids. */
  private final List<int[][]> itemValues = new ArrayList<>();
  /** Per item row: per relation the related items' external ids. */
  private final List<List<List<String>>> itemRelations = new ArrayList<>();
  private final List<float[]> text = new ArrayList<>();
  private final List<String> textSource = new ArrayList<>();
  /** Per user row: the items the user has touched (negatives avoid them). */
  private final List<Set<Integer>> touched = new ArrayList<>();
  /** Items that took part in a trained example (as target or history). */
  private final BitSet trained = new BitSet();
  private long ignoredAttributes;
  private boolean tablesChanged = true;
  private long catalogVersion;

  private Vocabulary(List<String> attributeNames, List<String> relationNames, int textDim) {
    this.attributeNames = List.copyOf(attributeNames);
    this.relationNames = List.copyOf(relationNames);
    this.textDim = textDim;
    for (int a = 0; a < attributeNames.size(); a++) {
      values.add(new ArrayList<>());
      valueId.add(new HashMap<>());
    }
    itemValues.add(emptyValues());
    itemRelations.add(emptyRelations());
    text.add(new float[textDim]);
    textSource.add(null);
    touched.add(new HashSet<>());
  }

  /** An empty vocabulary for a cold start. */
  public static Vocabulary empty(List<String> attributeNames, List<String> relationNames, int textDim) {
    return new Vocabulary(attributeNames, relationNames, textDim);
  }

  /**
   * The vocabulary of a checkpoint: its users and items (in row order), attribute values (those
   * the trainer recorded, or {@code "1".."n"} for an offline checkpoint, whose values are the data
   * set's value ids as {@code lrd replay} publishes them), each item's values and text vector.
   * Item-item relations are not in a checkpoint: the trainer re-reads them from {@code items}.
   */
  @SuppressWarnings("unchecked")
  public static Vocabulary of(Checkpoint c, RelationSchema schema, ItemTables tables) {
    var attrs = attributeNames(schema);
    var rels = schema.names().subList(schema.firstItemRelation(), schema.firstLatent());
    var v = new Vocabulary(attrs, rels, tables.textDim());
    var recorded = c.extra().get(OnlineCheckpoints.ATTRIBUTE_VALUES) instanceof Map<?, ?> m
        ? (Map<String, List<String>>) m : Map.<String, List<String>>of();
    for (int a = 0; a < attrs.size(); a++) {
      var names = recorded.get(attrs.get(a));
      int size = tables.attributeSizes()[a];
      for (int k = 1; k <= size; k++) {
        var name = names != null && k - 1 < names.size() ? names.get(k - 1) : Integer.toString(k);
        v.values.get(a).add(name);
        v.valueId.get(a).put(name, k);
      }
    }
    for (int u = 1; u < c.users().size(); u++) {
      v.user(c.users().get(u));
    }
    int na = attrs.size();
    int slots = tables.valueSlots();
    int p = tables.textDim();
    for (int i = 1; i < c.items().size(); i++) {
      int row = v.item(c.items().get(i));
      var vs = v.itemValues.get(row);
      for (int a = 0; a < na; a++) {
        var ids = new ArrayList<Integer>();
        for (int s = 0; s < slots; s++) {
          long e = tables.valueIndex()[(i * na + a) * slots + s];
          if (e > 0) {
            ids.add((int) (e - tables.attributeOffsets()[a] + 1));
          }
        }
        vs[a] = ids.stream().mapToInt(Integer::intValue).toArray();
      }
      if (p > 0) {
        v.text.set(row, Arrays.copyOfRange(tables.textVectors(), i * p, (i + 1) * p));
      }
    }
    var untrained = c.extra().get(OnlineCheckpoints.UNTRAINED_ITEMS) instanceof List<?> l
        ? new HashSet<>(l.stream().map(String::valueOf).toList()) : Set.of();
    for (int i = 1; i < v.items.size(); i++) {
      if (!untrained.contains(v.items.get(i))) {
        v.trained.set(i);
      }
    }
    v.tablesChanged = false;
    return v;
  }

  /** The attribute names of a schema: its attribute relations without the {@code share-} prefix. */
  public static List<String> attributeNames(RelationSchema schema) {
    var out = new ArrayList<String>();
    for (int a = 0; a < schema.attributeCount(); a++) {
      var name = schema.names().get(schema.firstAttribute() + a);
      out.add(name.startsWith("share-") ? name.substring("share-".length()) : name);
    }
    return out;
  }

  public List<String> attributeNames() {
    return attributeNames;
  }

  public List<String> relationNames() {
    return relationNames;
  }

  public int numUsers() {
    return users.size() - 1;
  }

  public int numItems() {
    return items.size() - 1;
  }

  /** External user ids by row, row 0 = "". */
  public List<String> users() {
    return List.copyOf(users);
  }

  /** External item ids by row, row 0 = "". */
  public List<String> items() {
    return List.copyOf(items);
  }

  /** The row of a user, registering a new one. */
  public int user(String id) {
    Integer row = userRow.get(id);
    if (row != null) {
      return row;
    }
    users.add(id);
    touched.add(new HashSet<>());
    userRow.put(id, users.size() - 1);
    tablesChanged = true;
    return users.size() - 1;
  }

  /** The row of an item, registering a new one (no catalog record yet: no values, a zero text vector). */
  public int item(String id) {
    Integer row = itemRow.get(id);
    if (row != null) {
      return row;
    }
    items.add(id);
    itemValues.add(emptyValues());
    itemRelations.add(emptyRelations());
    text.add(new float[textDim]);
    textSource.add(null);
    itemRow.put(id, items.size() - 1);
    tablesChanged = true;
    catalogVersion++;
    return items.size() - 1;
  }

  /** The row of a known item, or 0. */
  public int itemRowOf(String id) {
    return itemRow.getOrDefault(id, 0);
  }

  /** The row of a known user, or 0. */
  public int userRowOf(String id) {
    return userRow.getOrDefault(id, 0);
  }

  /**
   * Applies a catalog record (null: the item was deleted from the catalog; its row stays, its
   * values and relations are cleared).
   *
   * @return the item's text when it needs a (new) text vector, else null
   */
  public String apply(String itemId, Item record) {
    int row = item(itemId);
    var vs = emptyValues();
    var rels = emptyRelations();
    String wantedText = null;
    if (record != null) {
      record.attributes().forEach((name, list) -> {
        int a = attributeNames.indexOf(name);
        if (a < 0) {
          ignoredAttributes++;
          return;
        }
        vs[a] = list.stream().mapToInt(value -> valueOf(a, value)).distinct().toArray();
      });
      record.relations().forEach((name, targets) -> {
        int r = relationNames.indexOf(name);
        if (r >= 0) {
          rels.set(r, List.copyOf(targets));
        }
      });
      if (!record.text().isBlank() && !record.text().equals(textSource.get(row))) {
        wantedText = record.text();
      }
    }
    if (!Arrays.deepEquals(vs, itemValues.get(row))) {
      itemValues.set(row, vs);
      tablesChanged = true;
      catalogVersion++;
    }
    if (!rels.equals(itemRelations.get(row))) {
      itemRelations.set(row, rels);
      catalogVersion++;
    }
    return wantedText;
  }

  /** Sets an item's text vector, computed from {@code source}. */
  public void setText(String itemId, String source, float[] vector) {
    if (vector.length != textDim) {
      throw new IllegalStateException("the text encoder returned " + vector.length + " dimensions, the model has " + textDim);
    }
    int row = item(itemId);
    text.set(row, vector);
    textSource.set(row, source);
    tablesChanged = true;
  }

  private int valueOf(int attribute, String value) {
    var ids = valueId.get(attribute);
    Integer id = ids.get(value);
    if (id == null) {
      values.get(attribute).add(value);
      id = values.get(attribute).size();
      ids.put(value, id);
      tablesChanged = true;
    }
    return id;
  }

  /** Records that a user touched an item. */
  public void touch(int user, int item) {
    touched.get(user).add(item);
  }

  public boolean touched(int user, int item) {
    return touched.get(user).contains(item);
  }

  public void markTrained(int item) {
    if (item > 0) {
      trained.set(item);
    }
  }

  /** External ids of the items with a row but no trained example yet. */
  public List<String> untrainedItems() {
    var out = new ArrayList<String>();
    for (int i = 1; i < items.size(); i++) {
      if (!trained.get(i)) {
        out.add(items.get(i));
      }
    }
    return out;
  }

  /** Attribute values by attribute name, in id order (for the checkpoint). */
  public Map<String, List<String>> attributeValues() {
    var out = new LinkedHashMap<String, List<String>>();
    for (int a = 0; a < attributeNames.size(); a++) {
      out.put(attributeNames.get(a), List.copyOf(values.get(a)));
    }
    return out;
  }

  /** Catalog records whose attributes the schema does not name. */
  public long ignoredAttributes() {
    return ignoredAttributes;
  }

  /**
   * Counts changes of what the knowledge graph is made of (items, their attribute values and
   * relations; not users): the graph is rebuilt only when it moved.
   */
  public long catalogVersion() {
    return catalogVersion;
  }

  /** Whether rows, values or text vectors changed since the last {@link #itemTables()}. */
  public boolean tablesChanged() {
    return tablesChanged;
  }

  /** The catalog as the knowledge graph reads it: attributes and item-item relations by row. */
  public Catalog catalog() {
    int n = numItems();
    var attributes = new ArrayList<Attribute>();
    for (int a = 0; a < attributeNames.size(); a++) {
      var per = new int[n + 1][];
      for (int i = 0; i <= n; i++) {
        per[i] = itemValues.get(i)[a];
      }
      attributes.add(new Attribute(attributeNames.get(a), values.get(a).size(), per));
    }
    var relations = new ArrayList<ItemRelation>();
    for (int r = 0; r < relationNames.size(); r++) {
      var targets = new int[n + 1][];
      for (int i = 0; i <= n; i++) {
        targets[i] = itemRelations.get(i).get(r).stream().mapToInt(this::itemRowOf).filter(j -> j > 0).toArray();
      }
      relations.add(new ItemRelation(relationNames.get(r), targets));
    }
    return new Catalog(n, new String[n + 1], items.toArray(String[]::new), attributes, relations);
  }

  /** The model's item tables for the current rows. */
  public ItemTables itemTables() {
    var c = catalog();
    var texts = text.toArray(float[][]::new);
    tablesChanged = false;
    var t = ItemTables.of(numItems(), c.attributes(), texts);
    if (textDim > 0 && t.textDim() != textDim) {
      throw new IllegalStateException("text vectors of " + t.textDim() + " dimensions, expected " + textDim);
    }
    return t;
  }

  public int textDim() {
    return textDim;
  }

  private int[][] emptyValues() {
    var vs = new int[attributeNames.size()][];
    Arrays.fill(vs, new int[0]);
    return vs;
  }

  private List<List<String>> emptyRelations() {
    var out = new ArrayList<List<String>>();
    for (int r = 0; r < relationNames.size(); r++) {
      out.add(List.of());
    }
    return out;
  }

  @Override
  public String toString() {
    return numUsers() + " users, " + numItems() + " items, attribute values "
        + values.stream().map(List::size).toList();
  }
}
