package org.lrdstream.model;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.SplittableRandom;
import org.lrdstream.data.Attribute;

/** A tiny catalog and model for the tests: 6 items, one attribute, one item relation. */
final class TinyModels {
  private TinyModels() {}

  static final int ITEMS = 6;

  static ItemTables tables() {
    var values = new int[ITEMS + 1][];
    for (int i = 0; i <= ITEMS; i++) {
      values[i] = i == 0 ? new int[0] : i == 3 ? new int[] {1, 2} : new int[] {1 + i % 2};
    }
    var texts = new float[ITEMS + 1][];
    var rng = new SplittableRandom(5);
    for (int i = 0; i <= ITEMS; i++) {
      texts[i] = new float[] {(float) rng.nextDouble(-1, 1), (float) rng.nextDouble(-1, 1), (float) rng.nextDouble(-1, 1)};
    }
    return ItemTables.of(ITEMS, List.of(new Attribute("color", 2, values)), texts);
  }

  static RelationSchema schema(int latent) {
    return RelationSchema.of(List.of("share-color"), List.of("also-buy"), latent);
  }

  static ModelConfig.Builder config() {
    return ModelConfig.builder().dim(4).heads(2).layers(1).historyMax(3).latentRelations(2).lambdaLrd(1)
        .gammaKge(1).freqDim(3).dropout(0);
  }

  /** A model whose parameters are scaled up so that gradients are well above float noise. */
  static LrdModel model(ModelConfig cfg, NDManager m, long seed) {
    var model = new LrdModel(cfg, schema(cfg.lrdEnabled() ? cfg.latentRelations() : 0), tables(), 2, m, seed, null);
    var rng = new SplittableRandom(seed + 100);
    for (var e : model.parameters().all().entrySet()) {
      var v = e.getValue().toFloatArray();
      boolean norm = e.getKey().contains("norm");
      for (int i = 0; i < v.length; i++) {
        v[i] = norm ? v[i] + (float) rng.nextDouble(-0.2, 0.2) : (float) rng.nextDouble(-0.8, 0.8);
      }
      model.parameters().load(e.getKey(), v);
    }
    return model;
  }

  static TrainBatch batch() {
    var examples = new ScoreBatch(2, 3, 2,
        new long[] {1, 2},
        new long[] {1, 2, 0, 4, 5, 6},
        new float[] {3f, 1.5f, 0f, 7f, 2f, 0.5f},
        new long[] {3, 6, 1, 2},
        new long[] {3_000, 100, 0, 90_000, 4_000, 50});
    var lrdNeg = new long[] {5, 6, 0, 1, 3, 2};
    var kg = new KgBatch(new long[] {1, 2}, new long[] {1, 2}, new long[] {3, 5}, new long[] {7, 0},
        new float[] {1f, 0f}, new long[] {4, 2}, new long[] {3, 1});
    return new TrainBatch(examples, lrdNeg, kg);
  }
}
