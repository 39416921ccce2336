package org.lrdstream.scorer.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.HeldOut;
import org.lrdstream.data.Interaction;
import org.lrdstream.scorer.TinyCheckpoints;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.checkpoint.CheckpointException;
import org.lrdstream.state.checkpoint.Tensor;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.trainer.offline.Evaluator;
import org.lrdstream.trainer.offline.UserHistories;

class ServingModelTest {

  /** The same (user, history, candidates) scored by the scorer and by the offline evaluator. */
  @Test
  void rerankScoresEqualTheOfflineEvaluatorsScores() {
    rerankScoresEqualTheOfflineEvaluators(TinyCheckpoints.config());
  }

  /** Any model of the runner serves: the baselines too (TiSASRec reads the history's times). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"sasrec", "tisasrec", "gru4rec", "caser"})
  void aBaselineServesWithTheOfflineEvaluatorsScoresAndSequenceReasons(String name) {
    var cfg = org.lrdstream.model.ModelConfig.forName(name).toBuilder().dim(4).historyMax(3).dropout(0).build();
    rerankScoresEqualTheOfflineEvaluators(cfg);
    try (var serving = ServingModel.load(TinyCheckpoints.checkpoint(1, 11, Map.of(), cfg), 0)) {
      var history = List.of(new HistoryEntry("i1", 1_000_000), new HistoryEntry("i2", 4_600_000));
      var result = serving.recommend("u1", history, 7_200_000, 5, 3, true, 2);
      assertThat(result.items()).hasSize(3);
      assertThat(result.items()).allSatisfy(i -> {
        assertThat(i.reason().relation()).isEqualTo("sequence");
        assertThat(i.reason().becauseOf()).isIn("i1", "i2");
      });
    }
  }

  private static void rerankScoresEqualTheOfflineEvaluators(org.lrdstream.model.ModelConfig cfg) {
    long day = 86_400;
    var train = new ArrayList<Interaction>();
    int[][] seqs = {{1, 2, 3, 4}, {5, 6}, {2, 7, 8, 1, 3}};
    for (int u = 0; u < seqs.length; u++) {
      for (int k = 0; k < seqs[u].length; k++) {
        train.add(new Interaction(u + 1, seqs[u][k], 1_000_000 + k * day + u * 977));
      }
    }
    var dev = List.of(new HeldOut(1, 5, 1_000_000 + 9 * day, new int[] {6, 7, 8}),
        new HeldOut(2, 1, 1_000_000 + 3 * day, new int[] {2, 3, 8}),
        new HeldOut(3, 6, 1_000_000 + 9 * day + 5, new int[] {4, 5, 2}));
    var test = List.of(new HeldOut(1, 6, 1_000_000 + 12 * day + 77, new int[] {7, 8, 2}),
        new HeldOut(2, 4, 1_000_000 + 4 * day, new int[] {1, 7, 8}),
        new HeldOut(3, 4, 1_000_000 + 30 * day, new int[] {5, 6, 7}));
    var catalog = new Catalog(TinyCheckpoints.ITEMS, new String[TinyCheckpoints.ITEMS + 1],
        new String[TinyCheckpoints.ITEMS + 1], List.of(), List.of());
    var data = new Dataset("tiny", 3, TinyCheckpoints.ITEMS, train, dev, test, catalog);
    float[][] expected;
    try (var m = NDManager.newBaseManager(); var model = TinyCheckpoints.model(m, 11, cfg)) {
      expected = new Evaluator(new UserHistories(data), 2, 1).scores(model, test, true);
    }
    try (var serving = ServingModel.load(TinyCheckpoints.checkpoint(1, 11, Map.of(), cfg), 0)) {
      for (int r = 0; r < test.size(); r++) {
        var row = test.get(r);
        var history = new ArrayList<HistoryEntry>();
        for (var x : train) {
          if (x.user() == row.user()) {
            history.add(new HistoryEntry("i" + x.item(), x.time() * 1000));
          }
        }
        var d = dev.get(r);
        history.add(new HistoryEntry("i" + d.item(), d.time() * 1000));
        var cands = new long[1 + row.negatives().length];
        cands[0] = serving.itemRow("i" + row.item());
        for (int j = 0; j < row.negatives().length; j++) {
          cands[1 + j] = serving.itemRow("i" + row.negatives()[j]);
        }
        var h = serving.resolve(history, row.time() * 1000);
        var got = serving.score(serving.userRow("u" + row.user()), h, cands).scores();
        assertThat(got).containsExactly(expected[r], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  private static Checkpoint withEntityRow(Checkpoint c, int row, float value, Map<String, Object> extra) {
    var tensors = new ArrayList<Tensor>();
    for (var t : c.tensors()) {
      if (t.name().equals("param.entity")) {
        var v = t.floats().clone();
        int d = (int) t.shape()[1];
        for (int k = 0; k < d; k++) {
          v[row * d + k] = value;
        }
        t = Tensor.of(t.name(), v, t.shape());
      }
      tensors.add(t);
    }
    return new Checkpoint(c.version(), c.createdAt(), c.config(), c.relations(), c.users(), c.items(),
        c.offsets(), c.metrics(), extra, tensors);
  }

  @Test
  void anUntrainedItemIsRepresentedFromItsTextVectorThroughTheLrdProjection() {
    var base = TinyCheckpoints.checkpoint(1, 11, Map.of());
    var cold = Map.<String, Object>of(ServingModel.UNTRAINED_ITEMS, List.of("i7"));
    var extra = new java.util.LinkedHashMap<String, Object>(base.extra());
    extra.putAll(cold);
    var history = List.of(new HistoryEntry("i1", 0), new HistoryEntry("i7", 3_600_000));
    long[] cands = {2, 3, 7};
    try (var a = ServingModel.load(withEntityRow(base, 7, 0.5f, extra), 0);
        var b = ServingModel.load(withEntityRow(base, 7, -0.9f, extra), 0);
        var trainedA = ServingModel.load(withEntityRow(base, 7, 0.5f, base.extra()), 0);
        var trainedB = ServingModel.load(withEntityRow(base, 7, -0.9f, base.extra()), 0)) {
      assertThat(a.projectedItems()).isEqualTo(1);
      // whatever its (untrained) ID row holds, the item is scored from its text
      var sa = a.score(1, a.resolve(history, 7_200_000), cands).scores();
      var sb = b.score(1, b.resolve(history, 7_200_000), cands).scores();
      assertThat(sa).containsExactly(sb, org.assertj.core.data.Offset.offset(1e-6f));
      // without the mark, the ID row is used as trained
      var ta = trainedA.score(1, trainedA.resolve(history, 7_200_000), cands).scores();
      var tb = trainedB.score(1, trainedB.resolve(history, 7_200_000), cands).scores();
      assertThat(ta[2]).isNotCloseTo(tb[2], org.assertj.core.data.Offset.offset(1e-3f));
    }
  }

  @Test
  void candidatesMixPopularNeighboursAndRetrievalWithoutRepeatsOrExcludedItems() {
    try (var s = ServingModel.load(TinyCheckpoints.checkpoint(1, 11, Map.of()), 0)) {
      var h = s.resolve(List.of(new HistoryEntry("i1", 0), new HistoryEntry("i2", 1000)), 2000);
      var excluded = new boolean[TinyCheckpoints.ITEMS + 1];
      excluded[0] = excluded[1] = excluded[2] = true;
      var retrieval = s.retrievalScores(1, h);
      var c = s.candidates(retrieval, h, excluded, 4, 1);
      assertThat(c).hasSize(4).doesNotHaveDuplicates().doesNotContain(0L, 1L, 2L);
      // the most popular unseen item and the best-retrieved neighbour of i2 (even items) are in
      var rest = new ArrayList<Long>();
      for (long i = 3; i <= TinyCheckpoints.ITEMS; i++) {
        rest.add(i);
      }
      long best = rest.stream().max((x, y) -> Float.compare(retrieval[x.intValue()], retrieval[y.intValue()])).orElseThrow();
      assertThat(c).contains(best);
      var all = s.candidates(retrieval, h, excluded, 100, 3);
      assertThat(all).hasSize(6);
    }
  }

  @Test
  void topByScoreReturnsTheBestRowsNotChosen() {
    float[] score = {9, 1, 5, 3, 7, 2};
    var chosen = new boolean[6];
    chosen[4] = true;
    var top = ServingModel.topByScore(score, chosen, 2);
    assertThat(top).containsExactlyInAnyOrder(2, 3);
  }

  @Test
  void fewerLayersThanTheCheckpointHasRunsTheFirstOnesAndMoreIsAClearError(@TempDir Path tmp) {
    var c = TinyCheckpoints.checkpoint(1, 11, Map.of());
    assertThatThrownBy(() -> ServingModel.load(c, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has only 1 self-attention layers");
    assertThatThrownBy(() -> CheckpointLoader.fromDirectory(tmp.resolve("missing"), 0))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("does not exist");
  }

  @Test
  void reasonsCarryTheLabelsStoredBesideTheCheckpoint(@TempDir Path tmp) {
    var dir = tmp.resolve("ckpt");
    var c = TinyCheckpoints.checkpoint(1, 11, Map.of());
    org.lrdstream.state.checkpoint.CheckpointFiles.write(c, dir);
    var labels = new java.util.HashMap<String, String>();
    c.relations().forEach(r -> labels.put(r, "label of " + r));
    new org.lrdstream.state.checkpoint.RelationLabels(labels, "test").writeTo(dir);
    var history = List.of(new HistoryEntry("i1", 0), new HistoryEntry("i2", 3_600_000));
    try (var labelled = CheckpointLoader.fromDirectory(dir, 0); var plain = ServingModel.load(c, 0)) {
      var items = labelled.recommend("u1", history, 7_200_000, 5, 3, true, 2).items();
      assertThat(items).isNotEmpty().allSatisfy(it -> {
        assertThat(it.reason().relation()).isNotNull();
        assertThat(it.reason().label()).isEqualTo("label of " + it.reason().relation());
      });
      assertThat(plain.recommend("u1", history, 7_200_000, 5, 3, true, 2).items())
          .allSatisfy(it -> assertThat(it.reason().label()).isNull());
    }
  }

  /** A reason is the (relation, history item) of the largest intensity the full model gives that item. */
  @Test
  void eachReasonIsTheStrongestRelationAndHistoryItemOfTheModelsIntensities() {
    var c = TinyCheckpoints.checkpoint(1, 11, Map.of());
    try (var serving = ServingModel.load(c, 0)) {
      var history = List.of(new HistoryEntry("i1", 0), new HistoryEntry("i2", 3_600_000), new HistoryEntry("i5", 5_400_000));
      long now = 7_200_000;
      var items = serving.recommend("u1", history, now, 8, 5, true, 2).items();
      assertThat(items).hasSize(5);
      var h = serving.resolve(history, now);
      int r = serving.relationCount();
      int n = h.rows().length;
      var names = serving.relationNames();
      for (var it : items) {
        var a = serving.score(serving.userRow("u1"), h, new long[] {serving.itemRow(it.item())}).intensities();
        int best = -1;
        for (int k = 0; k < r * n; k++) {
          if (k % n < h.length() && (best < 0 || a[k] > a[best])) {
            best = k;
          }
        }
        assertThat(it.reason().relation()).as(it.item()).isEqualTo(names.get(best / n));
        assertThat(it.reason().becauseOf()).as(it.item()).isEqualTo(serving.itemId((int) h.rows()[best % n]));
      }
    }
  }

  @Test
  void theStrongestIsTheFirstLargestWithinTheHistoryAndNoneWithoutOne() {
    // R = 2 relations × n = 3 positions; positions past the length are padding
    var a = java.nio.FloatBuffer.wrap(new float[] {0.1f, 0.7f, 0.9f, 0.7f, 0.2f, 5f});
    assertThat(ServingModel.strongest(a, 0, 2, 3, 2)).isEqualTo(1); // relation 0, position 1 (before relation 1's equal 0.7)
    assertThat(ServingModel.strongest(a, 0, 2, 3, 3)).isEqualTo(5);
    assertThat(ServingModel.strongest(a, 0, 2, 3, 0)).isEqualTo(-1);
    var nan = java.nio.FloatBuffer.wrap(new float[] {Float.NaN, Float.NaN, 0f, 0f});
    assertThat(ServingModel.strongest(nan, 0, 1, 2, 2)).isEqualTo(-1);
    assertThat(ServingModel.strongest(nan, 2, 1, 2, 1)).isEqualTo(0); // relative to the offset
  }

  /** Several events in one forward pass give each the list it gets alone, whatever its length. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"kda+lrd", "sasrec"})
  void aBatchOfEventsIsScoredAsEachEventAlone(String name) {
    var cfg = name.equals("kda+lrd") ? TinyCheckpoints.config()
        : org.lrdstream.model.ModelConfig.forName(name).toBuilder().dim(4).historyMax(3).dropout(0).build();
    try (var serving = ServingModel.load(TinyCheckpoints.checkpoint(1, 11, Map.of(), cfg), 0)) {
      var requests = List.of(
          new ServingModel.Request("u1", List.of(new HistoryEntry("i1", 1_000_000), new HistoryEntry("i2", 4_600_000)), 7_200_000),
          new ServingModel.Request("stranger", List.of(), 7_200_000), // popular items, no forward pass
          new ServingModel.Request("u2", List.of(new HistoryEntry("i3", 1_000_000), new HistoryEntry("i5", 2_000_000),
              new HistoryEntry("i6", 3_000_000), new HistoryEntry("i8", 5_000_000)), 9_000_000),
          new ServingModel.Request("u3", List.of(new HistoryEntry("i4", 3_000_000)), 3_500_000));
      // 6 candidates: u2 has only 4 unseen items, so its row is padded
      var together = serving.recommendAll(requests, 6, 3, true, 2);
      assertThat(together).hasSize(requests.size());
      assertThat(together.get(1).popularFallback()).isTrue();
      assertThat(together.get(2).candidates()).isEqualTo(4);
      for (int q = 0; q < requests.size(); q++) {
        var r = requests.get(q);
        var alone = serving.recommend(r.user(), r.history(), r.timeMs(), 6, 3, true, 2);
        var got = together.get(q);
        assertThat(got.candidates()).isEqualTo(alone.candidates());
        assertThat(got.items()).extracting(i -> i.item())
            .containsExactlyElementsOf(alone.items().stream().map(i -> i.item()).toList());
        assertThat(got.items()).extracting(i -> i.reason())
            .containsExactlyElementsOf(alone.items().stream().map(i -> i.reason()).toList());
        for (int j = 0; j < got.items().size(); j++) {
          assertThat(got.items().get(j).score())
              .isCloseTo(alone.items().get(j).score(), org.assertj.core.data.Offset.offset(1e-5));
        }
      }
    }
  }

  /** A pass cut across worker threads (by events, or one event's candidates) is the single pass. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"kda+lrd", "sasrec"})
  void aPassCutIntoPiecesOnSeveralWorkersScoresAsOnePass(String name) {
    var cfg = name.equals("kda+lrd") ? TinyCheckpoints.config()
        : org.lrdstream.model.ModelConfig.forName(name).toBuilder().dim(4).historyMax(3).dropout(0).build();
    try (var serving = ServingModel.load(TinyCheckpoints.checkpoint(1, 11, Map.of(), cfg), 0)) {
      var requests = List.of(
          new ServingModel.Request("u1", List.of(new HistoryEntry("i1", 1_000_000), new HistoryEntry("i2", 4_600_000)), 7_200_000),
          new ServingModel.Request("u2", List.of(new HistoryEntry("i3", 1_000_000), new HistoryEntry("i5", 2_000_000),
              new HistoryEntry("i6", 3_000_000), new HistoryEntry("i8", 5_000_000)), 9_000_000),
          new ServingModel.Request("u3", List.of(new HistoryEntry("i4", 3_000_000)), 3_500_000));
      // three events on three workers: one piece per event; one event alone: three candidate ranges
      for (var batch : List.of(requests, requests.subList(0, 1))) {
        var onePass = serving.workers(1).recommendAll(batch, 6, 6, true, 2);
        var pieces = serving.workers(3).recommendAll(batch, 6, 6, true, 2);
        for (int q = 0; q < batch.size(); q++) {
          var a = onePass.get(q);
          var b = pieces.get(q);
          assertThat(b.items()).extracting(i -> i.item()).containsExactlyElementsOf(a.items().stream().map(i -> i.item()).toList());
          assertThat(b.items()).extracting(i -> i.reason()).containsExactlyElementsOf(a.items().stream().map(i -> i.reason()).toList());
          for (int j = 0; j < a.items().size(); j++) {
            assertThat(b.items().get(j).score()).isCloseTo(a.items().get(j).score(), org.assertj.core.data.Offset.offset(1e-5));
          }
        }
      }
    }
  }

  @Test
  void piecesCoverEveryRowOnceWithinTheRowLimit() {
    for (int events : new int[] {1, 2, 3, 16, 33}) {
      for (int c : new int[] {1, 5, 200, 2000}) {
        for (int workers : new int[] {1, 2, 3}) {
          var pieces = ServingModel.pieces(events, c, workers, 1600);
          var seen = new int[events * c];
          for (var p : pieces) {
            assertThat(p.e1()).isGreaterThan(p.e0());
            assertThat(p.c1()).isGreaterThan(p.c0());
            if (p.c1() - p.c0() < c) {
              assertThat(p.e1() - p.e0()).as("a candidate range is one event's").isEqualTo(1);
            }
            if (pieces.size() > 1) {
              assertThat((p.e1() - p.e0()) * (p.c1() - p.c0())).isLessThanOrEqualTo(1600);
            }
            for (int e = p.e0(); e < p.e1(); e++) {
              for (int j = p.c0(); j < p.c1(); j++) {
                seen[e * c + j]++;
              }
            }
          }
          assertThat(seen).as("events %d, c %d, workers %d", events, c, workers).containsOnly(1);
          if (events * c > 1) {
            assertThat(pieces.size()).isGreaterThanOrEqualTo(Math.min(workers, events * c));
          }
        }
      }
    }
    assertThat(ServingModel.pieces(16, 200, 2, 1600)).hasSize(2);
    assertThat(ServingModel.pieces(1, 200, 2, 1600)).containsExactly(
        new ServingModel.Piece(0, 1, 0, 100), new ServingModel.Piece(0, 1, 100, 200));
    assertThat(ServingModel.pieces(4, 200, 1, 1600)).containsExactly(new ServingModel.Piece(0, 4, 0, 200));
  }

  @Test
  void warmingUpChangesNoScore() {
    try (var serving = ServingModel.load(TinyCheckpoints.checkpoint(1, 11, Map.of()), 0)) {
      var history = List.of(new HistoryEntry("i1", 1_000_000), new HistoryEntry("i2", 4_600_000));
      var before = serving.recommend("u1", history, 7_200_000, 6, 3, true, 2);
      serving.warmUp(5, 6);
      var after = serving.recommend("u1", history, 7_200_000, 6, 3, true, 2);
      assertThat(after.items()).isEqualTo(before.items());
    }
  }

  /**
   * The scorer's scores with the inference kernel of the relation self-attention and without it
   * (PyTorch's operators, the training code's form), on the serving shape: d = 64, 4 heads, 5 layers,
   * both block forms.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(org.lrdstream.model.AttentionBlock.class)
  void theAttentionKernelScoresAsTheTrainingCode(org.lrdstream.model.AttentionBlock block) {
    var cfg = TinyCheckpoints.config().toBuilder().dim(64).heads(4).layers(5).block(block).build();
    assertThat(org.lrdstream.model.RelationSelfAttentionKernel.available()).isTrue();
    try (var serving = ServingModel.load(TinyCheckpoints.checkpoint(1, 11, Map.of(), cfg), 0)) {
      var history = List.of(new HistoryEntry("i1", 1_000_000), new HistoryEntry("i2", 4_600_000),
          new HistoryEntry("i5", 5_000_000));
      var cands = new long[TinyCheckpoints.ITEMS];
      for (int i = 0; i < cands.length; i++) {
        cands[i] = serving.itemRow("i" + (i + 1));
      }
      var h = serving.resolve(history, 7_200_000);
      int user = serving.userRow("u1");
      float[] kernel;
      float[] torch;
      try {
        org.lrdstream.model.RelationSelfAttentionKernel.setEnabled(true);
        kernel = serving.score(user, h, cands).scores();
        org.lrdstream.model.RelationSelfAttentionKernel.setEnabled(false);
        torch = serving.score(user, h, cands).scores();
      } finally {
        org.lrdstream.model.RelationSelfAttentionKernel.setEnabled(true);
      }
      assertThat(kernel).containsExactly(torch, org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(kernel).as("scores that tell items apart").doesNotHaveDuplicates();
    }
  }
}
