package org.lrdstream.trainer.offline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lrdstream.data.Dataset;
import org.lrdstream.model.Adam;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.trainer.step.JointStep;

/**
 * Trains a model with the paper's protocol: Adam on the joint loss in shuffled batches, the dev
 * NDCG@5 after every epoch, early stopping ({@link EarlyStop}: by default after {@code patience} epochs without improvement), and
 * the best epoch's parameters restored and tested. The test split is never looked at before that.
 * With {@link ModelConfig#weightAverage()} set, "the parameters" evaluated, selected and restored
 * are the moving average of the steps' parameters.
 */
public final class Fit {
  /**
   * Options of a run.
   *
   * @param progressDir where the run's state is saved after every epoch, so that a run killed
   *     mid-way resumes from its last finished epoch (null: no saving)
   */
  public record Options(int maxEpochs, int patience, int evalBatchUsers, int fullCatalogUsers, long seed,
      Path progressDir, EarlyStop earlyStop) {
    public Options {
      if (earlyStop == null) {
        earlyStop = EarlyStop.PATIENCE;
      }
    }

    public Options(int maxEpochs, int patience, int evalBatchUsers, int fullCatalogUsers, long seed, Path progressDir) {
      this(maxEpochs, patience, evalBatchUsers, fullCatalogUsers, seed, progressDir, EarlyStop.PATIENCE);
    }

    public Options(int maxEpochs, int patience, int evalBatchUsers, int fullCatalogUsers, long seed) {
      this(maxEpochs, patience, evalBatchUsers, fullCatalogUsers, seed, null);
    }
  }

  private final LrdModel model;
  private final Dataset data;
  private final UserHistories histories;
  private final Sampler sampler;
  private final Evaluator evaluator;
  private final Adam adam;

  public Fit(LrdModel model, Dataset data, int evalBatchUsers) {
    this(model, data, evalBatchUsers, Evaluator.defaultThreads());
  }

  /**
   * @param evalThreads scoring threads of the evaluation (1 keeps a run bit-for-bit reproducible:
   *     worker threads change PyTorch's per-thread settings, and on a loaded machine results then
   *     differ in the last digits from run to run)
   */
  public Fit(LrdModel model, Dataset data, int evalBatchUsers, int evalThreads) {
    this.model = model;
    this.data = data;
    this.histories = new UserHistories(data);
    ModelConfig cfg = model.config();
    var graph = new KnowledgeGraph(data.catalog(), model.schema(), model.items(), model.config().kgSampling());
    this.sampler = new Sampler(histories, graph, cfg, data.numItems());
    this.evaluator = new Evaluator(histories, evalBatchUsers, evalThreads);
    this.adam = Adam.of(cfg);
  }

  private static final int MAX_NON_FINITE_IN_A_ROW = 3;
  private final JointStep step = new JointStep();

  public Adam optimizer() {
    return adam;
  }

  public Evaluator evaluator() {
    return evaluator;
  }

  public Sampler sampler() {
    return sampler;
  }

  /** Mean loss terms of one epoch: {total, rec, kge, lrd, entropy}. */
  public double[] trainEpoch(int epoch, SplittableRandom rng, FitListener listener) {
    var cfg = model.config();
    var order = sampler.shuffled(rng);
    int batches = (order.length + cfg.batchSize() - 1) / cfg.batchSize();
    var sums = new double[5];
    int skipped = 0;
    for (int k = 0; k < batches; k++) {
      int from = k * cfg.batchSize();
      int to = Math.min(order.length, from + cfg.batchSize());
      var batch = sampler.batch(order, from, to, rng);
      var outcome = step.run(model, adam, batch);
      if (outcome.problem() != null) {
        listener.nonFinite(epoch, k + 1, outcome.problem(), outcome.applied());
      }
      if (!outcome.applied()) {
        skipped++;
        if (step.nonFiniteInARow() > MAX_NON_FINITE_IN_A_ROW) {
          throw new IllegalStateException(outcome.repeatProblem() + " for " + step.nonFiniteInARow()
              + " batches in a row at epoch " + epoch + ", batch " + (k + 1)
              + ": the run diverged; lower the learning rate");
        }
        continue;
      }
      for (int i = 0; i < 5; i++) {
        sums[i] += outcome.terms()[i];
      }
      listener.batchDone(epoch, k + 1, batches, outcome.terms()[0]);
    }
    for (int i = 0; i < 5; i++) {
      sums[i] /= Math.max(1, batches - skipped);
    }
    return sums;
  }

  public FitResult run(Options options, FitListener listener) {
    org.lrdstream.model.FlushDenormals.onThisThread(); // this thread trains and evaluates
    var progress = options.progressDir() == null ? null : new RunProgress(options.progressDir());
    var curve = new ArrayList<EpochLog>();
    Map<String, float[]> best = null;
    int bestEpoch = 0;
    double bestNdcg = Double.NEGATIVE_INFINITY;
    double trainSeconds = 0;
    double evalSeconds = 0;
    int epoch = 0;
    var resumed = progress == null ? null : progress.load(model, adam);
    if (resumed != null) {
      epoch = resumed.epoch();
      bestEpoch = resumed.bestEpoch();
      bestNdcg = resumed.bestNdcg();
      best = resumed.best();
      curve.addAll(resumed.curve());
      trainSeconds = curve.stream().mapToDouble(EpochLog::trainSeconds).sum();
      evalSeconds = curve.stream().mapToDouble(EpochLog::evalSeconds).sum();
      listener.resumed(epoch, bestEpoch);
    }
    while (epoch < options.maxEpochs()
        && !options.earlyStop().stop(curve.stream().map(l -> l.dev().ndcg5()).toList(), bestEpoch, options.patience())) {
      epoch++;
      long t0 = System.nanoTime();
      // one generator per epoch: a resumed run draws exactly what an uninterrupted one would
      var rng = new SplittableRandom(options.seed() * 1_000_003L + epoch);
      org.lrdstream.model.Dropout.reseed(options.seed() * 7_919L + epoch);
      var terms = trainEpoch(epoch, rng, listener);
      long t1 = System.nanoTime();
      // with a moving average of the parameters (ModelConfig#weightAverage) the averaged model is
      // the one evaluated, selected and kept; training goes on from the live parameters
      adam.swapAverage(model.parameters());
      var dev = evaluator.evaluate(model, data.dev(), false);
      long t2 = System.nanoTime();
      double tr = (t1 - t0) / 1e9;
      double ev = (t2 - t1) / 1e9;
      trainSeconds += tr;
      evalSeconds += ev;
      var log = new EpochLog(epoch, terms[0], terms[1], terms[2], terms[3], terms[4], dev, tr, ev);
      curve.add(log);
      boolean improved = dev.ndcg5() > bestNdcg;
      if (improved) {
        bestNdcg = dev.ndcg5();
        bestEpoch = epoch;
        best = snapshot();
      }
      if (adam.averageSwappedIn()) {
        adam.swapAverage(model.parameters());
      }
      listener.epochDone(log, improved);
      if (restartsAfter(curve, model.config()) == epoch) {
        adam.resetMoments(org.lrdstream.model.Adam.HEAD_PREFIX);
        listener.lrdRestarted(epoch, model.config().lrdRestart());
      }
      if (progress != null) {
        progress.save(model, adam, epoch, bestEpoch, bestNdcg, improved ? best : null, curve);
      }
    }
    if (best != null) {
      restore(best);
    }
    long t3 = System.nanoTime();
    var devBest = evaluator.evaluate(model, data.dev(), false);
    var testRanks = evaluator.ranks(model, data.test(), true);
    var test = Metrics.of(testRanks);
    double testSeconds = (System.nanoTime() - t3) / 2e9;
    Metrics full = options.fullCatalogUsers() != 0
        ? evaluator.evaluateFullCatalog(model, data.test(), true, options.fullCatalogUsers(), options.seed())
        : null;
    return new FitResult(epoch, bestEpoch, devBest, test, testRanks, full, trainSeconds / Math.max(1, epoch),
        testSeconds, curve);
  }

  /**
   * The last epoch of {@code curve} after which LRD's classifier is restarted ({@link
   * org.lrdstream.model.ModelConfig#lrdRestart}: after every K epochs in a row whose mean entropy
   * is under {@link org.lrdstream.model.ModelConfig#COLLAPSED_ENTROPY}, counted afresh after each
   * restart), or 0 when none. A function of the curve alone, so a resumed run restarts where an
   * uninterrupted one would.
   */
  static int restartsAfter(List<EpochLog> curve, org.lrdstream.model.ModelConfig config) {
    int k = config.lrdRestart();
    if (k <= 0 || !config.lrdEnabled()) {
      return 0;
    }
    int run = 0;
    int last = 0;
    for (var log : curve) {
      run = log.entropy() < org.lrdstream.model.ModelConfig.COLLAPSED_ENTROPY ? run + 1 : 0;
      if (run >= k) {
        last = log.epoch();
        run = 0;
      }
    }
    return last;
  }

  /** The best epoch a run has saved so far in {@code progressDir}: its number, parameters and dev metrics. */
  public record SavedBest(int epoch, int lastEpoch, Map<String, float[]> parameters, EpochLog log) {}

  /**
   * The best epoch saved so far by a run (finished epochs only; the run may still be going), or
   * null when it has saved none. The test split is not looked at.
   */
  public static SavedBest savedBest(Path progressDir) {
    var s = new RunProgress(progressDir).best();
    if (s == null) {
      return null;
    }
    var log = s.curve().stream().filter(l -> l.epoch() == s.bestEpoch()).findFirst().orElse(null);
    return new SavedBest(s.bestEpoch(), s.epoch(), s.best(), log);
  }

  /** Deletes the saved progress of a run once its result is recorded. */
  public static void clearProgress(Path progressDir) {
    new RunProgress(progressDir).clear();
  }

  private Map<String, float[]> snapshot() {
    var out = new LinkedHashMap<String, float[]>();
    model.parameters().all().forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private void restore(Map<String, float[]> values) {
    values.forEach((k, v) -> model.parameters().load(k, v));
  }
}
