package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The retrieval query is the forward pass with uniform intensities. With one history item the
 * softmax intensities are 1 whatever the candidate, so query · E_j + b_j must equal the full
 * model's score of every item j; with longer histories the two differ (the query is an
 * approximation). A baseline's score has the form q · E_j + b_j, so its query is exact at any length.
 */
class RetrievalQueryTest {
  @ParameterizedTest
  @EnumSource(Backbone.class)
  void equalsTheFullScoreForASingleItemHistory(Backbone backbone) {
    var cfg = TinyModels.config().backbone(backbone).layers(2).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 3)) {
      int items = TinyModels.ITEMS;
      var candidates = new long[2 * items];
      for (int j = 0; j < items; j++) {
        candidates[j] = j + 1;
        candidates[items + j] = j + 1;
      }
      var batch = new ScoreBatch(2, 3, items, new long[] {1, 2}, new long[] {4, 0, 0, 2, 0, 0},
          new float[] {2.5f, 0, 0, 0.7f, 0, 0}, candidates, new long[] {3_000, 0, 0, 60, 0, 0});
      var full = model.forward(m, batch, model.keyTable(), false).scores().toFloatArray();
      var approx = approximate(model, m, batch);
      for (int k = 0; k < full.length; k++) {
        assertThat(approx[k]).as("user %d item %d", k / items, candidates[k]).isCloseTo(full[k], within(1e-4f));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Backbone.class, names = {"RCF", "KDA"})
  void isAnApproximationForLongerHistories(Backbone backbone) {
    var cfg = TinyModels.config().backbone(backbone).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 3)) {
      var batch = new ScoreBatch(1, 3, 3, new long[] {1}, new long[] {1, 5, 6}, new float[] {3f, 1f, 0.2f},
          new long[] {2, 3, 4});
      var full = model.forward(m, batch, model.keyTable(), false).scores().toFloatArray();
      var approx = approximate(model, m, batch);
      double diff = 0;
      for (int k = 0; k < full.length; k++) {
        diff += Math.abs(full[k] - approx[k]);
      }
      // small in this tiny model for KDA (3e-4: the LayerNorms after the self-attention absorb much
      // of the intensities' effect), far above float noise (1e-7)
      assertThat(diff).isGreaterThan(1e-5);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Backbone.class, names = {"CASER", "GRU4REC", "SASREC", "TISASREC"})
  void isExactForABaselineAtAnyLength(Backbone backbone) {
    var cfg = TinyModels.config().backbone(backbone).latentRelations(0).lambdaLrd(0).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 3)) {
      var batch = new ScoreBatch(1, 3, 3, new long[] {1}, new long[] {1, 5, 6}, new float[] {3f, 1f, 0.2f},
          new long[] {2, 3, 4}, new long[] {9_000, 300, 10});
      var full = model.forward(m, batch, model.keyTable(), false).scores().toFloatArray();
      var approx = approximate(model, m, batch);
      for (int k = 0; k < full.length; k++) {
        assertThat(approx[k]).isCloseTo(full[k], within(1e-5f));
      }
    }
  }

  /** query · E_j + b_j for each (user, candidate) of the batch, computed by hand from the tensors. */
  private static float[] approximate(LrdModel model, NDManager m, ScoreBatch batch) {
    var q = model.retrievalQuery(m, batch).toFloatArray();
    int d = model.config().dim();
    var entity = model.parameters().get("entity").toFloatArray();
    var bias = model.parameters().get("itemBias").toFloatArray();
    var out = new float[batch.size() * batch.candidateCount()];
    for (int b = 0; b < batch.size(); b++) {
      for (int c = 0; c < batch.candidateCount(); c++) {
        int j = (int) batch.candidates()[b * batch.candidateCount() + c];
        float s = bias[j];
        for (int k = 0; k < d; k++) {
          s += q[b * d + k] * entity[j * d + k];
        }
        out[b * batch.candidateCount() + c] = s;
      }
    }
    return out;
  }
}
