package org.lrdstream.trainer.step;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import org.lrdstream.model.Adam;
import org.lrdstream.model.LrdModel;
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

  private record Pass(float[] terms, String problem) {}

  private int nonFiniteInARow;

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

  private static Pass forwardBackward(Engine engine, LrdModel model, TrainBatch batch) {
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
