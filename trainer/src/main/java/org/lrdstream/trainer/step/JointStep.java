package org.lrdstream.trainer.step;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.lrdstream.model.Adam;
import org.lrdstream.model.Dropout;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.NativeWorkers;
import org.lrdstream.model.ParameterSet;
import org.lrdstream.model.TrainBatch;

/**
 * One optimisation step on the joint loss {@code L = L_rec + γ·L_kge + λ·L_lrd} (eq. 16): forward,
 * backward, and Adam's update — shared by the offline {@code Fit} and the online trainer, so that
 * both train the same model the same way.
 *
 * <p>A step whose loss or gradient is not finite is recomputed once from the same parameters: a
 * repeat that comes out finite means the first pass was corrupted transiently rather than that the
 * model diverged (reported when it happens; the one cause found, a garbage collection freeing a
 * scalar the backward pass still read, is avoided by {@code Scalars}). Parameters are never updated from a
 * non-finite step; the caller decides when too many skipped steps in a row mean divergence ({@link
 * #nonFiniteInARow()}).
 *
 * <p>With several {@linkplain #workers() workers} a batch is cut into as many shards ({@link
 * TrainBatch#shard}), whose forward and backward passes run side by side, each on a thread with one
 * PyTorch intra-op thread; their gradients accumulate into the same parameters, each shard's loss
 * weighted by its share of the batch ({@link LrdModel#losses(ai.djl.ndarray.NDManager, TrainBatch,
 * float, float)}), and Adam then takes one step. On this model's small operations two such passes
 * do far more than one pass with two intra-op threads (BENCHMARKS.md, "Training: data-parallel
 * shards"). Each shard's dropout is seeded from the caller's generator, so a seeded run stays
 * reproducible; with two shards the summed gradient does not depend on which finishes first.
 */
public final class JointStep {
  /** Loss terms in the order of {@link Outcome#terms()}. */
  public static final List<String> TERMS = List.of("total", "rec", "kge", "lrd", "entropy");

  /**
   * What one step did.
   *
   * @param terms {total, rec, kge, lrd, entropy} of the pass that was applied (or of the failed
   *     repeat when skipped)
   * @param problem what was not finite in the first pass, or null when it was finite
   * @param repeatProblem what was still not finite in the repeat, or null
   * @param applied whether the parameters were updated (false: the step was skipped)
   */
  public record Outcome(float[] terms, String problem, String repeatProblem, boolean applied) {}

  /** One forward and backward pass's terms, and what was not finite in it (null: all was). */
  record Pass(float[] terms, String problem) {}

  /** Examples a shard holds at least: a smaller batch runs as fewer shards, or as one pass. */
  static final int MIN_SHARD_EXAMPLES = 16;

  private final int workers;
  private int nonFiniteInARow;

  /** A step on {@link #defaultWorkers()} workers. */
  public JointStep() {
    this(defaultWorkers());
  }

  /**
   * @param workers data-parallel shards of each batch, run side by side (1: one pass on the
   *     caller's thread, with the intra-op threads PyTorch was started with)
   */
  public JointStep(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("training workers must be at least 1, got " + workers);
    }
    this.workers = workers;
  }

  /**
   * {@code -Dlrd.train.workers}, else the PyTorch threads the application was started with
   * ({@code -Dai.djl.pytorch.num_threads}, which {@code ./lrd} sets from {@code LRD_THREADS}), else
   * the number of cores.
   */
  public static int defaultWorkers() {
    int cores = Runtime.getRuntime().availableProcessors();
    return Math.max(1, Integer.getInteger("lrd.train.workers", Integer.getInteger("ai.djl.pytorch.num_threads", cores)));
  }

  /** Data-parallel shards a full batch is cut into. */
  public int workers() {
    return workers;
  }

  /** Skipped steps since the last applied one. */
  public int nonFiniteInARow() {
    return nonFiniteInARow;
  }

  /** Runs one step on {@code batch}, updating {@code model} in place through {@code adam}. */
  public Outcome run(LrdModel model, Adam adam, TrainBatch batch) {
    var engine = Engine.getEngine("PyTorch");
    try (var scope = new NDScope()) {
      var first = forwardBackward(engine, model, batch);
      var applied = first;
      if (first.problem() != null) {
        clearGradients(model);
        var retry = forwardBackward(engine, model, batch);
        if (retry.problem() != null) {
          clearGradients(model);
          nonFiniteInARow++;
          return new Outcome(retry.terms(), first.problem(), retry.problem(), false);
        }
        applied = retry;
      }
      nonFiniteInARow = 0;
      adam.update(model.parameters());
      return new Outcome(applied.terms(), first.problem(), null, true);
    }
  }

  /** Forward and backward on {@code batch}, leaving the gradients in the parameters (no update). */
  Pass forwardBackward(Engine engine, LrdModel model, TrainBatch batch) {
    int shards = Math.min(workers, batch.examples().size() / MIN_SHARD_EXAMPLES);
    return shards > 1 ? forwardBackwardSharded(model, batch, shards) : forwardBackwardWhole(engine, model, batch);
  }

  private static Pass forwardBackwardWhole(Engine engine, LrdModel model, TrainBatch batch) {
    float[] terms;
    try (var collector = engine.newGradientCollector()) {
      var l = model.losses(model.manager(), batch);
      terms = new float[] {l.total().getFloat(), l.rec().getFloat(), l.kge().getFloat(),
          l.lrd().getFloat(), l.entropy().getFloat()};
      if (!Float.isFinite(terms[0])) {
        return new Pass(terms, "the loss is " + terms[0]);
      }
      collector.backward(l.total());
    }
    var bad = nonFiniteGradients(model);
    return new Pass(terms, bad.isEmpty() ? null : "the gradient of " + String.join(", ", bad) + " is not finite");
  }

  /**
   * The shards' passes side by side. The reported terms are the batch's: each shard's weighted by
   * its share, summed.
   */
  private static Pass forwardBackwardSharded(LrdModel model, TrainBatch batch, int shards) {
    int examples = batch.examples().size();
    int triplets = batch.triplets().size();
    var parts = new TrainBatch[shards];
    var seeds = new long[shards];
    for (int k = 0; k < shards; k++) {
      parts[k] = batch.shard(k, shards);
      seeds[k] = Dropout.nextSeed();
    }
    var terms = new float[shards][];
    NativeWorkers.run(shards, shards, true, k -> {
      Dropout.reseed(seeds[k]);
      var part = parts[k];
      float e = (float) part.examples().size() / examples;
      float t = triplets == 0 ? 0f : (float) part.triplets().size() / triplets;
      try (var scope = new NDScope()) {
        var l = model.losses(model.manager(), part, e, t);
        terms[k] = new float[] {l.total().getFloat(), e * l.rec().getFloat(), t * l.kge().getFloat(),
            e * l.lrd().getFloat(), e * l.entropy().getFloat()};
        if (Float.isFinite(terms[k][0])) {
          var total = (PtNDArray) l.total();
          JniUtils.backward(total, (PtNDArray) total.onesLike(), false, false);
        }
      }
    });
    var sum = new float[TERMS.size()];
    for (var shard : terms) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += shard[i];
      }
    }
    if (!Float.isFinite(sum[0])) {
      return new Pass(sum, "the loss is " + sum[0]);
    }
    var bad = nonFiniteGradients(model);
    return new Pass(sum, bad.isEmpty() ? null : "the gradient of " + String.join(", ", bad) + " is not finite");
  }

  /** The parameters whose gradient holds a NaN or an infinity. */
  private static List<String> nonFiniteGradients(LrdModel model) {
    var bad = new ArrayList<String>();
    try (var scope = new NDScope()) {
      for (var e : model.parameters().all().entrySet()) {
        var g = e.getValue().getGradient();
        if (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean()) {
          bad.add(e.getKey());
        }
      }
    }
    return bad;
  }

  private static void clearGradients(LrdModel model) {
    try (var scope = new NDScope()) {
      for (var p : model.parameters().all().values()) {
        ParameterSet.fill(p.getGradient(), 0f);
      }
    }
  }
}
