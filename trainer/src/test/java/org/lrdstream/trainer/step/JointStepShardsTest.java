package org.lrdstream.trainer.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.model.ParameterSet;
import org.lrdstream.model.TrainBatch;
import org.lrdstream.trainer.offline.KnowledgeGraph;
import org.lrdstream.trainer.offline.OfficeSlice;
import org.lrdstream.trainer.offline.Sampler;
import org.lrdstream.trainer.offline.UserHistories;

/**
 * A step cut into data-parallel shards computes the batch's loss and gradient: the shards' weighted
 * gradients, accumulated side by side into the same parameters, match one pass over the whole
 * batch, and two sharded passes give bit-identical gradients.
 */
class JointStepShardsTest {
  /**
   * Models whose loss terms are all per-example means (the LRD reference form and its entropy
   * term, KGE, BPR), for which the shards' weighted sum is the batch's gradient exactly, up to
   * float rounding.
   */
  @ParameterizedTest
  @ValueSource(strings = {"kda", "kda+lrd@lrd=reference@entropy=reference", "rcf+lrd@lrd=reference@entropy=reference",
      "sasrec@dropout=0", "gru4rec"})
  void shardsSideBySideGiveTheWholeBatchsLossAndGradient(String name) {
    Engine.getEngine("PyTorch");
    var data = OfficeSlice.users(100);
    var cfg = ModelConfig.forName(name);
    try (var m = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(cfg, data, OfficeSlice.randomText(data.numItems(), 16, 1), m, 1)) {
      // an odd size, so that the shards differ in size and their weights matter
      var batch = batch(model, cfg, data, 61);
      var whole = new JointStep(1).forwardBackward(Engine.getEngine("PyTorch"), model, batch);
      var wholeGradients = takeGradients(model);
      var sharded = new JointStep(2).forwardBackward(Engine.getEngine("PyTorch"), model, batch);
      var shardedGradients = takeGradients(model);
      assertThat(whole.problem()).isNull();
      assertThat(sharded.problem()).isNull();
      for (int i = 0; i < JointStep.TERMS.size(); i++) {
        assertThat((double) sharded.terms()[i]).as("%s term %s", name, JointStep.TERMS.get(i))
            .isCloseTo(whole.terms()[i], org.assertj.core.data.Offset.offset(1e-5 + 1e-5 * Math.abs(whole.terms()[i])));
      }
      var differing = new ArrayList<String>();
      for (var e : wholeGradients.entrySet()) {
        var want = e.getValue();
        var got = shardedGradients.get(e.getKey());
        double scale = 0;
        for (float v : want) {
          scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < want.length; k++) {
          if (!(Math.abs(got[k] - want[k]) <= 1e-6 + 1e-4 * scale)) {
            differing.add(e.getKey() + "[" + k + "]: " + got[k] + " against " + want[k]);
            break;
          }
        }
      }
      assertThat(differing).as("gradients of %s where two shards differ from the whole batch", name).isEmpty();
      assertThat(wholeGradients.values().stream().anyMatch(g -> IntStream.range(0, g.length).anyMatch(k -> g[k] != 0)))
          .as("some gradient is not zero").isTrue();
    }
  }

  @Test
  void twoShardedPassesGiveIdenticalGradients() {
    Engine.getEngine("PyTorch");
    var data = OfficeSlice.users(100);
    var cfg = ModelConfig.forName("kda+lrd");
    try (var m = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(cfg, data, OfficeSlice.randomText(data.numItems(), 16, 1), m, 1)) {
      var batch = batch(model, cfg, data, 64);
      var step = new JointStep(2);
      var first = step.forwardBackward(Engine.getEngine("PyTorch"), model, batch);
      var a = takeGradients(model);
      for (int r = 0; r < 3; r++) {
        var again = step.forwardBackward(Engine.getEngine("PyTorch"), model, batch);
        assertThat(again.terms()).isEqualTo(first.terms());
        var b = takeGradients(model);
        for (var e : a.entrySet()) {
          assertThat(b.get(e.getKey())).as("gradient of %s, repeat %d", e.getKey(), r).isEqualTo(e.getValue());
        }
      }
    }
  }

  @Test
  void shardsCoverEveryExampleAndTripletOnceInOrder() {
    Engine.getEngine("PyTorch");
    var data = OfficeSlice.users(100);
    var cfg = ModelConfig.forName("kda+lrd");
    try (var m = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(cfg, data, OfficeSlice.randomText(data.numItems(), 16, 1), m, 1)) {
      var batch = batch(model, cfg, data, 37);
      for (int shards : new int[] {1, 2, 3, 5}) {
        var users = new ArrayList<Long>();
        var negatives = new ArrayList<Long>();
        var heads = new ArrayList<Long>();
        int sizes = 0;
        for (int k = 0; k < shards; k++) {
          var part = batch.shard(k, shards);
          assertThat(part.examples().size()).isBetween(37 / shards, 37 / shards + 1);
          sizes += part.examples().size();
          for (long u : part.examples().users()) {
            users.add(u);
          }
          for (long v : part.lrdNegatives()) {
            negatives.add(v);
          }
          for (long h : part.triplets().heads()) {
            heads.add(h);
          }
        }
        assertThat(sizes).isEqualTo(37);
        assertThat(users).containsExactly(boxed(batch.examples().users()));
        assertThat(negatives).containsExactly(boxed(batch.lrdNegatives()));
        assertThat(heads).containsExactly(boxed(batch.triplets().heads()));
      }
    }
  }

  private static Long[] boxed(long[] v) {
    return java.util.Arrays.stream(v).boxed().toArray(Long[]::new);
  }

  private static TrainBatch batch(LrdModel model, ModelConfig cfg, org.lrdstream.data.Dataset data, int size) {
    var graph = new KnowledgeGraph(data.catalog(), model.schema(), model.items(), cfg.kgSampling());
    var sampler = new Sampler(new UserHistories(data), graph, cfg, data.numItems());
    var rng = new SplittableRandom(7);
    var order = sampler.shuffled(rng);
    return sampler.batch(order, 0, Math.min(size, order.length), rng);
  }

  /** Every parameter's gradient, which it then clears. */
  private static Map<String, float[]> takeGradients(LrdModel model) {
    var out = new LinkedHashMap<String, float[]>();
    try (var scope = new ai.djl.ndarray.NDScope()) {
      for (var e : model.parameters().all().entrySet()) {
        var g = e.getValue().getGradient();
        out.put(e.getKey(), g.toFloatArray());
        ParameterSet.fill(g, 0f);
      }
    }
    return out;
  }
}
