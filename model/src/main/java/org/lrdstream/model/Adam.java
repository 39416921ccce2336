package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam with coupled L2 (as {@code torch.optim.Adam(weight_decay=l2)}, which the reference code
 * uses), updating the parameters in place. Its state (moments and step count) is part of a
 * checkpoint, so that training resumes exactly. LRD's relation classifier (the parameters named
 * {@code lrd.*}) may have its own β₂ ({@link ModelConfig#lrdBeta2()}); every other parameter has
 * 0.999. With an average decay D > 0 ({@link ModelConfig#weightAverage()}) it also keeps an
 * exponential moving average of every parameter, updated after each step; {@link #swapAverage}
 * exchanges it with the live parameters for evaluation.
 */
public final class Adam {
  private static final float BETA1 = 0.9f;
  static final float BETA2 = 0.999f;
  /** The names of the parameters that {@link #headBeta2} applies to: LRD's relation classifier. */
  public static final String HEAD_PREFIX = "lrd.";
  private static final float EPS = 1e-8f;

  private final float learningRate;
  private final float l2;
  private final float headBeta2;
  private final Map<String, NDArray> first = new HashMap<>();
  private final Map<String, NDArray> second = new HashMap<>();
  private final float averageDecay;
  private final Map<String, NDArray> average = new HashMap<>();
  private boolean swapped;
  private long step;

  public Adam(float learningRate, float l2) {
    this(learningRate, l2, BETA2);
  }

  /** @param headBeta2 β₂ for the parameters named {@code lrd.*} (LRD's relation classifier) */
  public Adam(float learningRate, float l2, float headBeta2) {
    this(learningRate, l2, headBeta2, 0f);
  }

  /**
   * @param headBeta2 β₂ for the parameters named {@code lrd.*} (LRD's relation classifier)
   * @param averageDecay decay D of the parameters' moving average (0: none kept)
   */
  public Adam(float learningRate, float l2, float headBeta2, float averageDecay) {
    if (!(averageDecay >= 0f && averageDecay < 1f)) {
      throw new IllegalArgumentException("the moving average's decay must be in [0, 1), got " + averageDecay);
    }
    this.averageDecay = averageDecay;
    if (!(headBeta2 > 0f && headBeta2 < 1f)) {
      throw new IllegalArgumentException("Adam's β₂ must be in (0, 1), got " + headBeta2);
    }
    this.learningRate = learningRate;
    this.l2 = l2;
    this.headBeta2 = headBeta2;
  }

  /**
   * The optimizer a model's configuration asks for: its learning rate, L2, classifier β₂ and
   * moving average of the parameters.
   */
  public static Adam of(ModelConfig config) {
    return new Adam(config.learningRate(), config.l2(), config.lrdBeta2(), config.weightAverage());
  }

  /** The same without the moving average (the online trainer publishes its live parameters). */
  public static Adam withoutAverage(ModelConfig config) {
    return new Adam(config.learningRate(), config.l2(), config.lrdBeta2());
  }

  /** Whether this optimizer keeps a moving average of the parameters. */
  public boolean averaging() {
    return averageDecay > 0f;
  }

  /** The decay of the moving average at step {@code t} (1-based): min(D, (1 + t) / (10 + t)). */
  static float averageDecayAt(float decay, long t) {
    return Math.min(decay, (1f + t) / (10f + t));
  }

  public long step() {
    return step;
  }

  /**
   * One update from the gradients accumulated in the parameters, which it then zeroes. Call it
   * after the gradient collector is closed (no autograd recording).
   */
  public void update(ParameterSet params) {
    params.checkWritable("(all)");
    if (swapped) {
      throw new IllegalStateException("Adam.update with the moving average swapped in: swap it back first");
    }
    step++;
    float d = averageDecayAt(averageDecay, step);
    float bc1 = 1 - (float) Math.pow(BETA1, step);
    float bc2 = 1 - (float) Math.pow(BETA2, step);
    float headBc2 = 1 - (float) Math.pow(headBeta2, step);
    for (var e : params.all().entrySet()) {
      var name = e.getKey();
      var w = e.getValue();
      var m = moment(first, name, w);
      var v = moment(second, name, w);
      boolean head = name.startsWith(HEAD_PREFIX);
      float beta2 = head ? headBeta2 : BETA2;
      float c2 = head ? headBc2 : bc2;
      // every temporary of this update is closed with the scope; parameters and moments are
      // updated in place and live on.
      try (var scope = new NDScope()) {
        NDArray grad = w.getGradient();
        NDArray g = ParameterSet.decayed(name) && l2 > 0 ? grad.add(w.mul(l2)) : grad;
        m.muli(BETA1).addi(g.mul(1 - BETA1));
        v.muli(beta2).addi(g.square().muli(1 - beta2));
        w.subi(m.div(v.div(c2).sqrt().addi(EPS)).muli(learningRate / bc1));
        grad.muli(0);
      }
      // a dead unit's weights and moments decay into the subnormal range, where arithmetic is
      // slow on many CPUs (ParameterSet.flushSubnormals)
      ParameterSet.flushSubnormals(w);
      ParameterSet.flushSubnormals(m);
      ParameterSet.flushSubnormals(v);
      if (averageDecay > 0f) {
        var a = average.get(name);
        if (a == null) {
          // the first step's parameters start the average (owned: see ParameterSet.owned)
          a = ParameterSet.owned(w.getManager(), w.toFloatArray(), w.getShape());
          average.put(name, a);
        } else {
          try (var scope = new NDScope()) {
            a.muli(d).addi(w.mul(1 - d));
          }
        }
        ParameterSet.flushSubnormals(a);
      }
    }
  }

  /**
   * Exchanges the moving average with the live parameters, in place: call it once before
   * evaluating (or snapshotting) the averaged model and once after, before the next update.
   * Nothing happens when no average is kept or before the first step.
   */
  public void swapAverage(ParameterSet params) {
    if (averageDecay <= 0f || average.isEmpty()) {
      return;
    }
    for (var e : average.entrySet()) {
      var w = params.get(e.getKey());
      float[] live = w.toFloatArray();
      ParameterSet.copyInto(w, e.getValue().toFloatArray());
      ParameterSet.copyInto(e.getValue(), live);
    }
    swapped = !swapped;
  }

  /** Whether {@link #swapAverage} has left the average in the parameters. */
  public boolean averageSwappedIn() {
    return swapped;
  }

  private static NDArray moment(Map<String, NDArray> moments, String name, NDArray w) {
    return moments.computeIfAbsent(name, k -> {
      var z = w.zerosLike();
      z.setRequiresGradient(false);
      NDScope.unregister(z);
      return z;
    });
  }

  /**
   * Sets to 0 the moments of the parameters whose names start with {@code prefix} (their next step
   * is then a first step again, with this optimizer's step count for the bias correction).
   *
   * @return how many parameters' moments were reset
   */
  public int resetMoments(String prefix) {
    int n = 0;
    for (var name : first.keySet()) {
      if (name.startsWith(prefix)) {
        ParameterSet.fill(first.get(name), 0f);
        ParameterSet.fill(second.get(name), 0f);
        n++;
      }
    }
    return n;
  }

  /** The moving average, for a checkpoint: name → values (empty when none is kept). */
  public Map<String, NDArray> averageState() {
    return java.util.Collections.unmodifiableMap(average);
  }

  /** Restores the moving average of a checkpoint (names without one start from the live values). */
  public void restoreAverage(ParameterSet params, Map<String, float[]> values) {
    values.forEach((name, data) -> {
      var w = params.get(name);
      var a = average.computeIfAbsent(name, k -> {
        var z = w.zerosLike();
        z.setRequiresGradient(false);
        NDScope.unregister(z);
        return z;
      });
      ParameterSet.copyInto(a, ParameterSet.flushSubnormals(data.clone()));
    });
  }

  /** The moments, for a checkpoint: name → {first, second}. */
  public Map<String, NDArray[]> state() {
    var out = new HashMap<String, NDArray[]>();
    first.forEach((k, m) -> out.put(k, new NDArray[] {m, second.get(k)}));
    return out;
  }

  /** Restores the moments and step count of a checkpoint. */
  public void restore(ParameterSet params, long step, Map<String, float[][]> moments) {
    this.step = step;
    moments.forEach((name, mv) -> {
      var w = params.get(name);
      var m = moment(first, name, w);
      var v = moment(second, name, w);
      ParameterSet.copyInto(m, ParameterSet.flushSubnormals(mv[0].clone()));
      ParameterSet.copyInto(v, ParameterSet.flushSubnormals(mv[1].clone()));
    });
  }
}
