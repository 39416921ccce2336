package org.lrdstream.trainer.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Short names for relations from the words that distinguish the items of their top pairs: each
 * word is scored by TF-IDF — the share of the relation's items whose text has it, times {@code
 * log((N + 1) / (df + 1))} over all N item texts — and the label is the best few words. A word must
 * occur in at least two of the relation's items, so that one item's title cannot name a relation.
 */
public final class RelationLabeler {
  private static final Pattern TOKEN = Pattern.compile("[\\p{L}][\\p{L}\\p{N}'-]*");
  private static final Set<String> STOP = Set.of(
      "the", "and", "for", "with", "from", "this", "that", "into", "your", "you", "are", "was", "its",
      "all", "not", "but", "can", "has", "have", "per", "our", "out", "off", "any", "each", "one",
      "two", "pack", "count", "set", "inch", "inches", "size", "color", "new", "item", "items", "by",
      "of", "in", "on", "to", "a", "an", "or", "at", "as", "is", "it", "be", "title", "category",
      "categories", "brand", "genre", "genres", "year", "description", "price", "ct", "pk", "oz");

  private final Map<String, Integer> documentFrequency = new HashMap<>();
  private final int documents;

  /** @param allTexts every item's text: the background the relation's words must stand out from */
  public RelationLabeler(List<String> allTexts) {
    for (var t : allTexts) {
      for (var w : new HashSet<>(words(t))) {
        documentFrequency.merge(w, 1, Integer::sum);
      }
    }
    this.documents = allTexts.size();
  }

  /** A scored distinguishing word. */
  public record Keyword(String word, double score, int itemsWithIt) {}

  /** Lower-case words of at least three letters, stop words and numbers left out, in order. */
  public static List<String> words(String text) {
    var out = new ArrayList<String>();
    if (text == null) {
      return out;
    }
    var m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
    while (m.find()) {
      var w = m.group().replaceAll("^['-]+|['-]+$", "");
      if (w.length() >= 3 && !STOP.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  /** The {@code k} words that best distinguish these texts (one per item) from all items. */
  public List<Keyword> keywords(List<String> groupTexts, int k) {
    var inGroup = new HashMap<String, Integer>();
    for (var t : groupTexts) {
      for (var w : new LinkedHashSet<>(words(t))) {
        inGroup.merge(w, 1, Integer::sum);
      }
    }
    var scored = new ArrayList<Keyword>();
    int g = Math.max(1, groupTexts.size());
    inGroup.forEach((w, c) -> {
      if (c >= 2) {
        int df = documentFrequency.getOrDefault(w, 0);
        double idf = Math.log((documents + 1.0) / (df + 1.0));
        scored.add(new Keyword(w, (double) c / g * idf, c));
      }
    });
    scored.sort(Comparator.comparingDouble(Keyword::score).reversed().thenComparing(Keyword::word));
    return List.copyOf(scored.subList(0, Math.min(k, scored.size())));
  }

  /** The label of a keyword list: its words joined by " / ", or "(no common theme)" when empty. */
  public static String label(List<Keyword> keywords, int words) {
    if (keywords.isEmpty()) {
      return "(no common theme)";
    }
    return String.join(" / ", keywords.stream().limit(words).map(Keyword::word).toList());
  }
}
