package org.lrdstream.trainer.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.lrdstream.data.Dataset;
import org.lrdstream.model.LrdModel;

/**
 * What LRD discovered in a trained model (the paper's RQ3, section 4.4): how similar the relation
 * embeddings are (predefined against latent), which real item pairs each relation explains best,
 * how often each relation is the classifier's first choice, and a short label per relation.
 */
public final class RelationAnalysis {
  private RelationAnalysis() {}

  /**
   * @param top pairs listed per relation
   * @param window candidate pairs are items at most this many steps apart in a training sequence
   * @param maxPairs a seeded sample of at most this many candidate pairs (0: all)
   * @param maxPerItem at most this many of a relation's listed pairs share an item (0: no limit)
   * @param keywords distinguishing words kept per relation
   */
  public record Options(int top, int window, int maxPairs, int maxPerItem, int keywords, long seed) {
    public static Options defaults() {
      return new Options(10, 20, 500_000, 2, 8, 1);
    }
  }

  /** One relation's findings. */
  public record Relation(String name, boolean latent, double argmaxShare, double meanProbability,
      String label, List<RelationLabeler.Keyword> keywords, List<TopPairs.Pair> topPairs) {
    Relation withLabel(String l) {
      return new Relation(name, latent, argmaxShare, meanProbability, l, keywords, topPairs);
    }
  }

  /**
   * @param candidatePairs pairs scored by the LRD classifier; 0 for a model without LRD (then
   *     only the similarity is known)
   * @param groupMeans mean cosine within predefined, within latent, and across (the diagonal and
   *     the {@code sequence} relation left out)
   */
  public record Result(List<String> names, double[][] similarity, double[] groupMeans, int candidatePairs,
      List<Relation> relations, String labelSource) {}

  /** The relation embeddings' similarity alone (no pairs scored): cheap enough for a live page. */
  public static Result similarityOnly(LrdModel model) {
    var schema = model.schema();
    int r = schema.size();
    var sim = RelationSimilarity.cosine(model.parameters().get("relation").toFloatArray(), r, model.config().dim());
    var relations = new ArrayList<Relation>();
    for (int k = 0; k < r; k++) {
      relations.add(new Relation(schema.names().get(k), k >= schema.firstLatent(), Double.NaN, Double.NaN, "", List.of(), List.of()));
    }
    return new Result(schema.names(), sim, groupMeans(schema, sim), 0, relations, "none");
  }

  private static double[] groupMeans(org.lrdstream.model.RelationSchema schema, double[][] sim) {
    var predefined = new int[schema.predefinedCount()];
    for (int i = 0; i < predefined.length; i++) {
      predefined[i] = schema.firstAttribute() + i;
    }
    var latent = new int[schema.latentCount()];
    for (int i = 0; i < latent.length; i++) {
      latent[i] = schema.firstLatent() + i;
    }
    return RelationSimilarity.groupMeans(sim, predefined, latent);
  }

  public static Result analyse(LrdModel model, Dataset data, Options o) {
    var schema = model.schema();
    int r = schema.size();
    int d = model.config().dim();
    var sim = RelationSimilarity.cosine(model.parameters().get("relation").toFloatArray(), r, d);
    var means = groupMeans(schema, sim);
    if (!model.config().lrdEnabled()) {
      // a vanilla backbone: its relation embeddings can be compared, but it has no classifier
      var relations = new ArrayList<Relation>();
      for (int k = 0; k < r; k++) {
        relations.add(new Relation(schema.names().get(k), false, Double.NaN, Double.NaN, "", List.of(), List.of()));
      }
      return new Result(schema.names(), sim, means, 0, relations, "none (no LRD head)");
    }
    var pairs = TopPairs.candidatePairs(data, o.window(), o.maxPairs(), o.seed());
    return analyse(model, pairs, data.catalog()::text, data.numItems(), o);
  }

  /**
   * The same for given candidate pairs (rows of the model) and item texts by row: for a model whose
   * rows are not a data set's (the online trainer's vocabulary).
   */
  public static Result analyse(LrdModel model, int[][] pairs, java.util.function.IntFunction<String> text, int numItems, Options o) {
    var schema = model.schema();
    int r = schema.size();
    var sim = RelationSimilarity.cosine(model.parameters().get("relation").toFloatArray(), r, model.config().dim());
    var means = groupMeans(schema, sim);
    var scan = TopPairs.top(model, pairs, o.top(), o.maxPerItem());
    var tops = scan.top();
    var texts = new ArrayList<String>();
    for (int i = 1; i <= numItems; i++) {
      texts.add(text.apply(i));
    }
    var labeler = new RelationLabeler(texts);
    var relations = new ArrayList<Relation>();
    for (int k = 0; k < r; k++) {
      var group = new ArrayList<String>();
      var seen = new java.util.HashSet<Integer>();
      for (var p : tops.get(k)) {
        if (seen.add(p.head())) {
          group.add(text.apply(p.head()));
        }
        if (seen.add(p.tail())) {
          group.add(text.apply(p.tail()));
        }
      }
      var kw = labeler.keywords(group, o.keywords());
      relations.add(new Relation(schema.names().get(k), k >= schema.firstLatent(), scan.argmaxShare()[k], scan.meanProbability()[k],
          RelationLabeler.label(kw, 3), kw, tops.get(k)));
    }
    return new Result(schema.names(), sim, means, pairs[0].length, relations, "tf-idf");
  }

  /**
   * Replaces the latent relations' labels by those of {@code namer} (e.g. a chat model), given the
   * relation and its TF-IDF label; a relation the namer returns null or blank for keeps its label.
   */
  public static Result relabel(Result r, BiFunction<Relation, String, String> namer, String source) {
    var out = new ArrayList<Relation>();
    for (var rel : r.relations()) {
      if (!rel.latent()) {
        out.add(rel);
        continue;
      }
      var l = namer.apply(rel, rel.label());
      out.add(l == null || l.isBlank() ? rel : rel.withLabel(l.strip()));
    }
    return new Result(r.names(), r.similarity(), r.groupMeans(), r.candidatePairs(), out, source);
  }
}
