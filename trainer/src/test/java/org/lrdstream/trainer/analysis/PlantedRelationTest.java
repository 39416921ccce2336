package org.lrdstream.trainer.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.lrdstream.data.Attribute;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.HeldOut;
import org.lrdstream.data.Interaction;
import org.lrdstream.model.EntropySign;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.trainer.offline.Fit;
import org.lrdstream.trainer.offline.FitListener;

/**
 * A synthetic catalog with one hidden relation: items have a hidden type (printers, inks and two
 * others) that only their text vectors reveal, and users' histories are made of "printer then
 * ink" pairs (the hidden relation, in no catalog field) and "two items of the same category" pairs
 * (the predefined share-category relation, with category unrelated to type). After training, the
 * one latent relation must tell the hidden pairs from the share-category pairs.
 *
 * <p>The measure: the AUC of the latent relation's probability q(latent | v_i, j) — the chance that
 * a random hidden pair gets a higher probability than a random share-category pair. Chance is 0.5;
 * an untrained model sits near it.
 */
class PlantedRelationTest {
  private static final int PER_TYPE = 15;
  private static final int ITEMS = 4 * PER_TYPE;
  private static final int USERS = 300;
  private static final int PRINTER = 0;
  private static final int INK = 1;

  record Synthetic(Dataset data, float[][] text, List<int[]> hidden, List<int[]> shareCategory) {}

  static int type(int item) {
    return (item - 1) / PER_TYPE;
  }

  static Synthetic build(long seed) {
    var rng = new SplittableRandom(seed);
    int categories = 5;
    var values = new int[ITEMS + 1][];
    values[0] = new int[0];
    var byCategory = new ArrayList<List<Integer>>();
    for (int c = 0; c <= categories; c++) {
      byCategory.add(new ArrayList<>());
    }
    for (int i = 1; i <= ITEMS; i++) {
      int c = 1 + rng.nextInt(categories);
      values[i] = new int[] {c};
      byCategory.get(c).add(i);
    }
    var text = new float[ITEMS + 1][16];
    var texts = new String[ITEMS + 1];
    for (int i = 1; i <= ITEMS; i++) {
      text[i][type(i)] = 1f;
      for (int k = 4; k < 16; k++) {
        text[i][k] = (float) (0.3 * rng.nextGaussian());
      }
      texts[i] = "item " + i + " of type " + type(i);
    }
    var hidden = new ArrayList<int[]>();
    var shared = new ArrayList<int[]>();
    var train = new ArrayList<Interaction>();
    var dev = new ArrayList<HeldOut>();
    var test = new ArrayList<HeldOut>();
    for (int u = 1; u <= USERS; u++) {
      var seq = new ArrayList<Integer>();
      for (int p = 0; p < 6; p++) {
        int a;
        int b;
        if (rng.nextBoolean()) {
          a = 1 + PRINTER * PER_TYPE + rng.nextInt(PER_TYPE);
          b = 1 + INK * PER_TYPE + rng.nextInt(PER_TYPE);
          hidden.add(new int[] {a, b});
        } else {
          do {
            a = 1 + rng.nextInt(ITEMS);
          } while (byCategory.get(values[a][0]).size() < 2);
          var same = byCategory.get(values[a][0]);
          do {
            b = same.get(rng.nextInt(same.size()));
          } while (b == a);
          if (!(type(a) == PRINTER && type(b) == INK)) {
            shared.add(new int[] {a, b});
          }
        }
        seq.add(a);
        seq.add(b);
      }
      for (int t = 0; t < seq.size(); t++) {
        long time = 1_000_000L + 3600L * t;
        if (t < seq.size() - 2) {
          train.add(new Interaction(u, seq.get(t), time));
        } else {
          var negatives = new int[20];
          for (int k = 0; k < negatives.length; k++) {
            int n;
            do {
              n = 1 + rng.nextInt(ITEMS);
            } while (n == seq.get(t));
            negatives[k] = n;
          }
          (t == seq.size() - 2 ? dev : test).add(new HeldOut(u, seq.get(t), time, negatives));
        }
      }
    }
    var catalog = new Catalog(ITEMS, texts, null, List.of(new Attribute("category", categories, values)), List.of());
    return new Synthetic(new Dataset("planted", USERS, ITEMS, train, dev, test, catalog), text, hidden, shared);
  }

  /** The best AUC over the latent relations. */
  static double auc(LrdModel model, List<int[]> positives, List<int[]> negatives) {
    double best = 0;
    for (int k = 0; k < model.schema().latentCount(); k++) {
      best = Math.max(best, auc(model, positives, negatives, model.schema().firstLatent() + k));
    }
    return best;
  }

  static double auc(LrdModel model, List<int[]> positives, List<int[]> negatives, int latent) {
    var pos = latentProbability(model, positives, latent);
    var neg = latentProbability(model, negatives, latent);
    double wins = 0;
    for (double p : pos) {
      for (double n : neg) {
        wins += p > n ? 1 : p == n ? 0.5 : 0;
      }
    }
    return wins / ((double) pos.length * neg.length);
  }

  private static double[] latentProbability(LrdModel model, List<int[]> pairs, int relation) {
    var h = pairs.stream().mapToLong(p -> p[0]).toArray();
    var t = pairs.stream().mapToLong(p -> p[1]).toArray();
    int r = model.schema().size();
    try (var m = model.manager().newSubManager()) {
      var q = model.relationDistribution(m, h, t).toFloatArray();
      var out = new double[pairs.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = q[i * r + relation];
      }
      return out;
    }
  }

  /**
   * Two synthetic data sets, four model seeds each; one latent relation, 30 epochs, the entropy term
   * in its {@code balanced} form. A single run is chaotic: its AUC depends on the seed and on the
   * machine's floating-point kernels (a CI machine once ended a run at 0.45 that ends at 0.69 here),
   * so the test asserts on means over seeds. Measured when written (balanced): data seed 7 trained
   * 0.87, 0.55, 0.89, 0.85 (untrained mean 0.64); data seed 8 trained 0.73, 0.81, 0.85, 0.71
   * (untrained mean 0.56); a third data set (seed 9) 0.51–0.87, mean 0.74. With the paper's sign
   * (entropy maximised) the same runs range 0.22–0.89 and one data set's mean is 0.57: q drifts
   * towards uniform and the latent relation sometimes takes the other pairs; with the reference
   * code's sign (minimised) q collapses onto one relation and the hidden one is not found (0.39).
   */
  @Test
  void theLatentRelationRecoversAHiddenRelationBetterThanChance() {
    int seeds = 4;
    double before = 0;
    double after = 0;
    for (long dataSeed : new long[] {7, 8}) {
      var s = build(dataSeed);
      double dataAfter = 0;
      for (long seed = 1; seed <= seeds; seed++) {
        // γ = 1: the measured values are for that weight (γ = auto would be ~20 here, and the KGE
        // loss on the random categories then dominates what the ID embeddings learn)
        var cfg = ModelConfig.forName("rcf+lrd").toBuilder().dim(16).layers(1).latentRelations(1)
            .learningRate(1e-2f).gammaKge(1f).entropySign(EntropySign.BALANCED).build();
        try (var m = NDManager.newBaseManager("PyTorch");
            var model = ModelFactory.create(cfg, s.data(), s.text(), m, seed)) {
          double b = auc(model, s.hidden(), s.shareCategory());
          new Fit(model, s.data(), 100, 1).run(new Fit.Options(30, 30, 100, 0, seed), FitListener.NONE);
          double a = auc(model, s.hidden(), s.shareCategory());
          System.out.printf("planted relation (data seed %d, model seed %d): AUC of q(latent), hidden vs share-category pairs: untrained %.3f, trained %.3f%n",
              dataSeed, seed, b, a);
          before += b;
          after += a;
          dataAfter += a;
        }
      }
      // ~1,800 pairs per side: one standard error of a single AUC is under 0.01; the spread is
      // between runs
      assertThat(dataAfter / seeds).as("mean AUC after training, data seed %d", dataSeed).isGreaterThan(0.6);
    }
    int runs = 2 * seeds;
    assertThat(after / runs).as("mean AUC after training").isGreaterThan(0.65);
    assertThat((after - before) / runs).as("mean gain over the untrained model").isGreaterThan(0.1);
  }
}
