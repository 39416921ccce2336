package org.lrdstream.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code lrd data info} prints: the size of a data set, its predefined relations with their
 * triplet counts, how many items have a text for the encoder, and the popularity ranking's metrics
 * on dev and test (a yardstick for the held-out rows).
 */
public record DatasetSummary(
    String name,
    int users,
    int items,
    int trainInteractions,
    int devRows,
    int testRows,
    int negativesPerRow,
    List<RelationCount> relations,
    int itemsWithText,
    PopularityBaseline popularity) {

  /**
   * One predefined relation: from an attribute ({@code values} of them) or an item-item list;
   * {@code triplets} counts item pairs, {@code rows} the reference code's KG rows (item-item pairs,
   * or (item, value) rows of an attribute).
   */
  public record RelationCount(String relation, int values, long triplets, long rows) {}

  public static DatasetSummary of(Dataset d) {
    var relations = new ArrayList<RelationCount>();
    for (var a : d.catalog().attributes()) {
      relations.add(new RelationCount(a.relationName(), a.numValues(), a.tripletCount(), a.rowCount()));
    }
    for (var r : d.catalog().relations()) {
      relations.add(new RelationCount(r.name(), 0, r.tripletCount(), r.tripletCount()));
    }
    int withText = 0;
    for (int i = 1; i <= d.numItems(); i++) {
      withText += d.catalog().text(i).isBlank() ? 0 : 1;
    }
    int negatives = d.test().isEmpty() ? 0 : d.test().get(0).negatives().length;
    return new DatasetSummary(d.name(), d.numUsers(), d.numItems(), d.train().size(), d.dev().size(),
        d.test().size(), negatives, List.copyOf(relations), withText, PopularityBaseline.of(d));
  }

  public int interactions() {
    return trainInteractions + devRows + testRows;
  }

  /** The summary as lines for a terminal. */
  public String render() {
    var sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "data set      %s%n", name));
    sb.append(String.format(Locale.ROOT, "users         %,d%n", users));
    sb.append(String.format(Locale.ROOT, "items         %,d%n", items));
    sb.append(String.format(Locale.ROOT, "interactions  %,d (train %,d, dev %,d, test %,d; %d negatives per held-out row)%n",
        interactions(), trainInteractions, devRows, testRows, negativesPerRow));
    double density = users == 0 || items == 0 ? 0 : 100.0 * interactions() / ((double) users * items);
    sb.append(String.format(Locale.ROOT, "density       %.2f%%%n", density));
    sb.append(String.format(Locale.ROOT, "relations     %d%n", relations.size()));
    long rows = 0;
    for (var r : relations) {
      sb.append(String.format(Locale.ROOT, "  %-18s %,12d item pairs  %,9d KG rows%s%n", r.relation(), r.triplets(), r.rows(),
          r.values() > 0 ? String.format(Locale.ROOT, "  (%,d values)", r.values()) : ""));
      rows += r.rows();
    }
    if (!relations.isEmpty() && interactions() > 0) {
      sb.append(String.format(Locale.ROOT, "KGE γ = auto  %.4f  (%,d KG rows / %,d interactions, the reference code's rule)%n",
          (double) rows / interactions(), rows, interactions()));
    }
    sb.append(String.format(Locale.ROOT, "item texts    %,d of %,d items (%.1f%%)%n", itemsWithText, items,
        items == 0 ? 0.0 : 100.0 * itemsWithText / items));
    if (devRows + testRows > 0) {
      sb.append(String.format(Locale.ROOT, "popularity    ranking by training count, %d negatives per row, ties against the target%n",
          negativesPerRow));
      sb.append(popularity.render());
    }
    return sb.toString();
  }
}
