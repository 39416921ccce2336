package org.lrdstream.trainer.online;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrdstream.model.Adam;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.RelationSchema;
import org.lrdstream.model.ScoreBatch;
import org.lrdstream.state.records.Item;
import org.lrdstream.trainer.offline.KnowledgeGraph;
import org.lrdstream.trainer.step.JointStep;

/** Growing the tables keeps everything learnt: the old rows, their optimizer state, their scores. */
class ModelGrowthTest {
  private static final ModelConfig SMALL = ModelConfig.forName("kda+lrd").toBuilder().dim(16).heads(2).layers(1)
      .latentRelations(2).gammaKge(1f).build();

  private static Vocabulary vocabulary(int items) {
    var v = Vocabulary.empty(List.of("category"), List.of("also_buy"), HashTextEncoder.DIM);
    for (int i = 1; i <= items; i++) {
      v.apply("i" + i, new Item("i" + i, "text " + i, Map.of("category", List.of("c" + (i % 2))), Map.of("also_buy", List.of("i" + (i % items + 1)))));
      v.setText("i" + i, "text " + i, HashTextEncoder.vector("text " + i));
    }
    for (int u = 1; u <= 3; u++) {
      v.user("u" + u);
    }
    return v;
  }

  private static ScoreBatch probe(int n) {
    var hist = new long[2 * n];
    hist[0] = 1;
    hist[1] = 2;
    hist[n] = 3;
    var intervals = new float[2 * n];
    intervals[0] = 3f;
    intervals[n] = 1.5f;
    return new ScoreBatch(2, n, 3, new long[] {1, 3}, hist, intervals, new long[] {4, 5, 6, 1, 2, 6});
  }

  @Test
  void grownTablesScoreTheKnownRowsExactlyAsBeforeAndKeepTheirAdamState() {
    try (var manager = NDManager.newBaseManager("PyTorch")) {
      JniUtils.setGradMode(false);
      var v = vocabulary(6);
      var schema = RelationSchema.of(List.of("share-category"), List.of("also_buy"), 2);
      var model = new LrdModel(SMALL, schema, v.itemTables(), v.numUsers(), manager, 7, null);
      var adam = new Adam(SMALL.learningRate(), SMALL.l2());
      // a few steps so that parameters and moments are not at their initial values
      var rng = new SplittableRandom(3);
      var graph = new KnowledgeGraph(v.catalog(), schema, model.items());
      var step = new JointStep();
      int n = SMALL.historyMax();
      for (int s = 0; s < 3; s++) {
        var p = probe(n);
        var batch = new org.lrdstream.model.TrainBatch(new ScoreBatch(2, n, 2, p.users(), p.history(), p.intervals(),
            new long[] {4, 5, 1, 6}), new long[2 * n], graph.sample(2, rng));
        assertThat(step.run(model, adam, batch).applied()).isTrue();
      }
      float[] before;
      try (var scope = new NDScope()) {
        before = model.scores(manager, probe(n), model.keyTable(), false).toFloatArray();
      }
      var categoryRow = (int) model.items().entityOf(0, 1);
      var categoryEmbedding = slice(model.parameters().get("entity").toFloatArray(), categoryRow, 16);
      var momentBefore = slice(adam.state().get("entity")[0].toFloatArray(), categoryRow, 16);

      // two new items (one with a new category value) and a new user
      v.apply("new", new Item("new", "new text", Map.of("category", List.of("c-new")), Map.of()));
      v.item("seen-before-its-record");
      v.user("u4");
      assertThat(v.tablesChanged()).isTrue();
      var grown = ModelGrowth.grow(model, adam, v.itemTables(), v.numUsers(), manager, 11);
      var m2 = grown.model();
      assertThat(m2.items().numItems()).isEqualTo(8);
      assertThat(m2.numUsers()).isEqualTo(4);
      assertThat(grown.adam().step()).isEqualTo(3);
      try (var scope = new NDScope()) {
        var after = m2.scores(manager, probe(n), m2.keyTable(), false).toFloatArray();
        assertThat(after).containsExactly(before);
      }
      int movedRow = (int) m2.items().entityOf(0, 1);
      assertThat(movedRow).isEqualTo(categoryRow + 2); // two items were added before the value block
      assertThat(slice(m2.parameters().get("entity").toFloatArray(), movedRow, 16)).containsExactly(categoryEmbedding);
      assertThat(slice(grown.adam().state().get("entity")[0].toFloatArray(), movedRow, 16)).containsExactly(momentBefore);
      // the new rows start fresh: initialised parameters, zero moments
      int newRow = v.itemRowOf("new");
      assertThat(slice(grown.adam().state().get("entity")[0].toFloatArray(), newRow, 16)).containsOnly(0f);
      assertThat(slice(m2.parameters().get("entity").toFloatArray(), newRow, 16)).isNotEqualTo(new float[16]);
      m2.close();
    }
  }

  @Test
  void aVocabularyReadBackFromItsCheckpointHasTheSameRowsValuesAndTexts() {
    try (var manager = NDManager.newBaseManager("PyTorch")) {
      JniUtils.setGradMode(false);
      var v = vocabulary(5);
      v.apply("i2", new Item("i2", "text 2", Map.of("category", List.of("c-late")), Map.of()));
      var schema = RelationSchema.of(List.of("share-category"), List.of("also_buy"), 2);
      try (var model = new LrdModel(SMALL, schema, v.itemTables(), v.numUsers(), manager, 7, null)) {
        v.markTrained(1);
        var c = ModelCheckpoint.toCheckpoint(model, new Adam(1e-3f, 0), new ModelCheckpoint.Meta(4, v.users(), v.items(),
            Map.of(), Map.of(), Map.of(OnlineCheckpoints.ATTRIBUTE_VALUES, v.attributeValues(),
                OnlineCheckpoints.UNTRAINED_ITEMS, v.untrainedItems())));
        var back = Vocabulary.of(c, schema, model.items());
        assertThat(back.users()).isEqualTo(v.users());
        assertThat(back.items()).isEqualTo(v.items());
        assertThat(back.attributeValues()).isEqualTo(v.attributeValues())
            .containsEntry("category", List.of("c1", "c0", "c-late"));
        assertThat(back.untrainedItems()).isEqualTo(v.untrainedItems()).doesNotContain("i1");
        assertThat(back.itemTables().valueIndex()).containsExactly(v.itemTables().valueIndex());
        assertThat(back.itemTables().textVectors()).containsExactly(v.itemTables().textVectors());
        assertThat(back.tablesChanged()).isFalse();
        // an unchanged catalog record changes nothing; a new value does
        assertThat(back.apply("i3", new Item("i3", "text 3", Map.of("category", List.of("c1")), Map.of()))).isEqualTo("text 3");
        back.setText("i3", "text 3", HashTextEncoder.vector("text 3"));
        back.apply("i3", new Item("i3", "text 3", Map.of("category", List.of("c1")), Map.of()));
        assertThat(back.apply("i3", new Item("i3", "text 3", Map.of("category", List.of("c1")), Map.of()))).isNull();
      }
    }
  }

  private static float[] slice(float[] a, int row, int width) {
    return java.util.Arrays.copyOfRange(a, row * width, (row + 1) * width);
  }
}
