package org.lrdstream.trainer.bench;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.lrdstream.data.Dataset;
import org.lrdstream.model.FlopCount;
import org.lrdstream.model.LrdInput;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.trainer.offline.Fit;
import org.lrdstream.trainer.offline.FitListener;

/**
 * Times the model as the paper's reference implementation is timed: whole training epochs and
 * whole evaluation passes (every dev user against its 100 candidates), and converts the analytic
 * FLOP count ({@link FlopCount}) into an achieved rate.
 */
public final class ModelBenchmark {
  private ModelBenchmark() {}

  /** Result fields, in the order printed. */
  public static Map<String, Object> run(Dataset data, String modelName, ModelConfig cfg, float[][] text,
      int epochs, int evalPasses, int evalBatchUsers, double peakGflops, int threads) {
    var out = new LinkedHashMap<String, Object>();
    try (var manager = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(cfg, data, text, manager, 1)) {
      var fit = new Fit(model, data, evalBatchUsers);
      int r = model.schema().size();
      int inputDim = cfg.lrdInput() == LrdInput.TEXT ? model.items().textDim() : cfg.dim();
      long examples = fit.sampler().exampleCount();
      double trainSeconds = Double.MAX_VALUE;
      double trainTotal = 0;
      for (int e = 1; e <= epochs; e++) {
        long t0 = System.nanoTime();
        fit.trainEpoch(e, new SplittableRandom(e), FitListener.NONE);
        double s = (System.nanoTime() - t0) / 1e9;
        trainSeconds = Math.min(trainSeconds, s);
        trainTotal += s;
      }
      double evalSeconds = Double.MAX_VALUE;
      for (int p = 0; p < evalPasses; p++) {
        long t0 = System.nanoTime();
        fit.evaluator().evaluate(model, data.dev(), false);
        evalSeconds = Math.min(evalSeconds, (System.nanoTime() - t0) / 1e9);
      }
      int cands = 1 + data.dev().get(0).negatives().length;
      double trainFlops = FlopCount.trainingEpoch(cfg, r, inputDim, examples);
      double evalFlops = FlopCount.evaluation(cfg, r, data.dev().size(), cands);
      out.put("model", modelName);
      out.put("dataset", data.name());
      out.put("relations", r);
      out.put("threads", threads);
      out.put("train_examples", examples);
      // a phase not run (--epochs 0 or --eval-passes 0) has no time and no rate: null, not infinity
      Double train = epochs > 0 ? trainSeconds : null;
      Double eval = evalPasses > 0 ? evalSeconds : null;
      out.put("eval_threads", org.lrdstream.trainer.offline.Evaluator.defaultThreads());
      out.put("train_workers", org.lrdstream.trainer.step.JointStep.defaultWorkers());
      out.put("train_seconds_per_epoch", train);
      out.put("train_seconds_per_epoch_mean", epochs > 0 ? trainTotal / epochs : null);
      out.put("eval_seconds", eval);
      out.put("eval_pairs", (long) data.dev().size() * cands);
      out.put("train_gflop_per_epoch", trainFlops / 1e9);
      out.put("eval_gflop", evalFlops / 1e9);
      out.put("train_gflops", train == null ? null : trainFlops / 1e9 / train);
      out.put("eval_gflops", eval == null ? null : evalFlops / 1e9 / eval);
      out.put("peak_gflops", peakGflops);
      out.put("train_share_of_peak", train == null ? null : trainFlops / 1e9 / train / peakGflops);
      out.put("eval_share_of_peak", eval == null ? null : evalFlops / 1e9 / eval / peakGflops);
    }
    return out;
  }
}
