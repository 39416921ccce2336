package org.lrdstream.trainer.step;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.model.TrainBatch;
import org.lrdstream.trainer.offline.KnowledgeGraph;
import org.lrdstream.trainer.offline.OfficeSlice;
import org.lrdstream.trainer.offline.Sampler;
import org.lrdstream.trainer.offline.UserHistories;

/**
 * A garbage collection between a step's forward and backward pass must not change its gradients.
 * DJL's {@code mul(Number)} keeps a scalar in memory a collection frees while autograd still needs
 * it (see {@code Scalars}); before that was avoided, a thread doing nothing but {@code System.gc()}
 * beside a KDA+LRD step made every repeat of the same step come out with different (or NaN)
 * gradients, while the loss stayed the same. Every model of the runner, without dropout so that
 * repeats are deterministic, is checked here.
 */
class GradientsUnderGarbageCollectionTest {
  @ParameterizedTest
  @ValueSource(strings = {"kda+lrd", "kda+lrd@lrd=reference@entropy=reference", "rcf+lrd", "sasrec@dropout=0",
      "tisasrec@dropout=0", "gru4rec", "caser@dropout=0"})
  void repeatsOfOneStepHaveIdenticalGradientsWhileAnotherThreadCollectsGarbage(String name) throws Exception {
    Engine.getEngine("PyTorch");
    var data = OfficeSlice.users(100);
    var cfg = ModelConfig.forName(name);
    try (var m = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(cfg, data, OfficeSlice.randomText(data.numItems(), 16, 1), m, 1)) {
      var graph = new KnowledgeGraph(data.catalog(), model.schema(), model.items(), cfg.kgSampling());
      var sampler = new Sampler(new UserHistories(data), graph, cfg, data.numItems());
      var rng = new SplittableRandom(7);
      var order = sampler.shuffled(rng);
      var batch = sampler.batch(order, 0, Math.min(64, order.length), rng);
      double[] quiet = gradients(model, batch);
      assertThat(quiet[0]).as("the loss of %s", name).isFinite();

      var stop = new AtomicBoolean();
      var collector = new Thread(() -> {
        while (!stop.get()) {
          System.gc();
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "test-gc");
      collector.setDaemon(true);
      collector.start();
      var differing = new ArrayList<String>();
      try {
        for (int k = 0; k < 4; k++) {
          double[] got = gradients(model, batch);
          for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - quiet[i]) <= 1e-5 * Math.max(1e-12, Math.abs(quiet[i])))) {
              differing.add("repeat " + k + " value " + i + ": " + got[i] + " (quiet " + quiet[i] + ")");
            }
          }
        }
      } finally {
        stop.set(true);
        collector.join();
      }
      assertThat(differing).as("loss and per-parameter squared gradient norms of %s that differ from a quiet pass", name)
          .isEmpty();
    }
  }

  /** The loss, then each parameter's squared gradient norm, of one forward/backward (no update; gradients cleared). */
  private static double[] gradients(LrdModel model, TrainBatch batch) {
    var engine = Engine.getEngine("PyTorch");
    var names = model.parameters().all().keySet().stream().toList();
    var out = new double[1 + names.size()];
    try (var scope = new NDScope()) {
      try (var c = engine.newGradientCollector()) {
        var l = model.losses(model.manager(), batch);
        out[0] = l.total().getFloat();
        c.backward(l.total());
      }
      int i = 1;
      for (var name : names) {
        var g = model.parameters().get(name).getGradient();
        out[i++] = g.square().sum().getFloat();
        org.lrdstream.model.ParameterSet.fill(g, 0f);
      }
    }
    return out;
  }
}
