package org.lrdstream.model;

import ai.djl.ndarray.NDManager;
import org.lrdstream.data.Attribute;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.Interaction;

/** Builds a model for a data set: its relation schema, item tables and KDA's DFT initialisation. */
public final class ModelFactory {
  private ModelFactory() {}

  public static RelationSchema schemaOf(Catalog catalog, int latentRelations) {
    return RelationSchema.of(
        catalog.attributes().stream().map(Attribute::relationName).toList(),
        catalog.relations().stream().map(r -> r.name()).toList(),
        latentRelations);
  }

  /**
   * γ = auto, the reference code's default KGE weight, for the config's {@link KgSampling}: with
   * {@code ROWS}, #KG rows / #interactions of train, dev and test together (the reference code's
   * {@code len(relation_df) / len(all_df)}: 60,706 / 53,258 = 1.14 on Office); with {@code PAIRS},
   * #item pairs / #training interactions (12.5 on Office).
   */
  public static float autoGamma(Dataset data, KgSampling sampling) {
    long triplets = 0;
    for (var a : data.catalog().attributes()) {
      triplets += sampling == KgSampling.ROWS ? a.rowCount() : a.tripletCount();
    }
    for (var r : data.catalog().relations()) {
      triplets += r.tripletCount();
    }
    long interactions = sampling == KgSampling.ROWS
        ? (long) data.train().size() + data.dev().size() + data.test().size()
        : data.train().size();
    return interactions == 0 ? 1f : (float) triplets / interactions;
  }

  /** The config with γ = auto resolved for a data set (and any other γ unchanged). */
  public static ModelConfig resolve(ModelConfig config, Dataset data) {
    return config.gammaKge() < 0 ? config.toBuilder().gammaKge(autoGamma(data, config.kgSampling())).build() : config;
  }

  public static LrdModel create(ModelConfig config, Dataset data, float[][] textVectors, NDManager manager, long seed) {
    config = resolve(config, data);
    var schema = schemaOf(data.catalog(), config.lrdEnabled() ? config.latentRelations() : 0);
    var items = ItemTables.of(data.numItems(), data.catalog().attributes(), textVectors);
    float[][][] init = config.backbone() == Backbone.KDA && config.freqInit() == FrequencyInit.DFT
        ? dftInit(config, schema, data) : null;
    return new LrdModel(config, schema, items, data.numUsers(), manager, seed, init);
  }

  /**
   * KDA's DFT initialisation: for each predefined relation, the histogram of the interval feature
   * x between a training target and the earlier items of its history that are related to it by
   * that relation; {@code sequence} (and each latent relation, which has no data yet) uses all
   * (history item, target) pairs.
   */
  public static float[][][] dftInit(ModelConfig config, RelationSchema schema, Dataset data) {
    int f = config.freqDim();
    int bins = 2 * (f - 1);
    int r = schema.size();
    var hist = new double[r][bins];
    var catalog = data.catalog();
    var byUser = new java.util.ArrayList<java.util.List<Interaction>>();
    for (int u = 0; u <= data.numUsers(); u++) {
      byUser.add(new java.util.ArrayList<>());
    }
    data.train().forEach(x -> byUser.get(x.user()).add(x));
    int na = catalog.attributes().size();
    var relSets = new java.util.ArrayList<java.util.Set<Long>>();
    for (var rel : catalog.relations()) {
      var set = new java.util.HashSet<Long>();
      var t = rel.targets();
      for (int i = 0; i < t.length; i++) {
        for (int j : t[i]) {
          set.add(((long) i << 32) | j);
        }
      }
      relSets.add(set);
    }
    for (var seq : byUser) {
      for (int p = 1; p < seq.size(); p++) {
        var target = seq.get(p);
        for (int i = Math.max(0, p - config.historyMax()); i < p; i++) {
          var h = seq.get(i);
          int bin = Math.min(bins - 1, (int) ScoreBatch.interval(target.time(), h.time(), config.timeScalar()));
          hist[0][bin]++;
          for (int a = 0; a < na; a++) {
            if (shares(catalog.attributes().get(a), h.item(), target.item())) {
              hist[1 + a][bin]++;
            }
          }
          for (int k = 0; k < relSets.size(); k++) {
            long key = ((long) h.item() << 32) | target.item();
            long rev = ((long) target.item() << 32) | h.item();
            if (relSets.get(k).contains(key) || relSets.get(k).contains(rev)) {
              hist[schema.firstItemRelation() + k][bin]++;
            }
          }
        }
      }
    }
    var out = new float[r][][];
    for (int k = 0; k < r; k++) {
      boolean observed = k > 0 && k < schema.firstLatent() && java.util.Arrays.stream(hist[k]).sum() > 0;
      out[k] = TemporalDecay.dftOf(observed ? hist[k] : hist[0], f);
    }
    return out;
  }

  static boolean shares(Attribute a, int i, int j) {
    var vi = a.values()[i];
    var vj = a.values()[j];
    for (int x : vi) {
      for (int y : vj) {
        if (x == y) {
          return true;
        }
      }
    }
    return false;
  }
}
