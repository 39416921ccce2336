package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable tensors of a model by name, in creation order (the order of a checkpoint). They are
 * initialised from a seeded Java generator, so a seed gives the same model on any engine build.
 */
public final class ParameterSet implements AutoCloseable {
  private final NDManager manager;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private volatile boolean frozen;

  public ParameterSet(NDManager manager) {
    this.manager = manager;
  }

  public NDManager manager() {
    return manager;
  }

  /** A parameter drawn from N(0, std²) (ReChorus initialises embeddings and linear layers so). */
  public NDArray normal(String name, SplittableRandom rng, float std, long... shape) {
    var s = new Shape(shape);
    var data = new float[Math.toIntExact(s.size())];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) (gaussian(rng) * std);
    }
    return put(name, data, s);
  }

  public NDArray constant(String name, float value, long... shape) {
    var s = new Shape(shape);
    var data = new float[Math.toIntExact(s.size())];
    java.util.Arrays.fill(data, value);
    return put(name, data, s);
  }

  public NDArray put(String name, float[] data, Shape shape) {
    checkWritable(name);
    if (params.containsKey(name)) {
      throw new IllegalStateException("duplicate parameter " + name);
    }
    var a = owned(manager, data, shape);
    a.setName(name);
    a.setRequiresGradient(true);
    params.put(name, a);
    return a;
  }

  /**
   * Replaces a parameter's values (same shape), e.g. when loading a checkpoint; subnormal values
   * come in as zeros ({@link #flushSubnormals(float[])}).
   */
  public void load(String name, float[] data) {
    checkWritable(name);
    var a = get(name);
    if (a.getShape().size() != data.length) {
      throw new IllegalArgumentException("parameter " + name + " has " + a.getShape() + ", got " + data.length + " values");
    }
    copyInto(a, flushSubnormals(data.clone()));
  }

  /**
   * Sets the subnormal values of {@code data} (0 &lt; |x| &lt; {@link Float#MIN_NORMAL}) to zero,
   * in place, and returns it. Training leaves them behind: the weights of a dead ReLU unit get no
   * gradient and decay, under L2 and Adam's shrinking moments, through the subnormal range. Many
   * CPUs (the Intel Xeons among them) take a slow microcode path for every arithmetic operation on
   * one: a trained KDA checkpoint with 20 % of its feed-forward weights subnormal scored 3.5× slower
   * than the same model with them zeroed (BENCHMARKS.md, "Subnormal weights"). A value below
   * 1.2e-38 changes no score or gradient that a float can represent next to the others.
   */
  public static float[] flushSubnormals(float[] data) {
    for (int i = 0; i < data.length; i++) {
      if (Math.abs(data[i]) < Float.MIN_NORMAL) {
        data[i] = 0f;
      }
    }
    return data;
  }

  /** {@link #flushSubnormals(float[])} on a tensor, in place (no autograd recording). */
  public static void flushSubnormals(NDArray a) {
    try (var scope = new NDScope()) {
      a.muli(a.abs().gte(Float.MIN_NORMAL).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
    }
  }

  /**
   * A tensor holding {@code data} in memory PyTorch owns. DJL's {@code create(float[])} and
   * {@code set(float[])} make a tensor over a Java direct buffer that lives only as long as that
   * Java wrapper: a long-lived tensor must not depend on it (PyTorch may keep using the storage —
   * a gradient, a view — after the wrapper is closed and the buffer collected).
   */
  public static NDArray owned(NDManager manager, float[] data, Shape shape) {
    try (var src = manager.create(data, shape)) {
      var a = src.duplicate();
      NDScope.unregister(a);
      return a;
    }
  }

  /** Same, for int64 values. */
  public static NDArray owned(NDManager manager, long[] data, Shape shape) {
    try (var src = manager.create(data, shape)) {
      var a = src.duplicate();
      NDScope.unregister(a);
      return a;
    }
  }

  /** Copies {@code data} into {@code target}'s own storage, in place (see {@link #owned}). */
  public static void copyInto(NDArray target, float[] data) {
    try (var src = target.getManager().create(data, target.getShape())) {
      NDScope.unregister(src);
      target.set(everything(target), src);
    }
  }

  /** Sets every element of {@code target} to {@code value}, in place (NaN-safe, unlike muli(0)). */
  public static void fill(NDArray target, float value) {
    target.set(everything(target), value);
  }

  private static NDIndex everything(NDArray a) {
    return new NDIndex(String.join(", ", java.util.Collections.nCopies(Math.max(1, a.getShape().dimension()), ":")));
  }

  /**
   * Marks the set read-only, as a serving model's parameters are: {@link #put}, {@link #load} and
   * {@link Adam#update} on it are errors from now on, and inference may keep forms derived from
   * the weights ({@link RelationSelfAttentionKernel} keeps its transposed layers) rather than
   * derive them on every pass. Whoever writes a parameter's NDArray directly must not freeze.
   */
  public ParameterSet freeze() {
    frozen = true;
    return this;
  }

  /** Whether {@link #freeze()} was called. */
  public boolean frozen() {
    return frozen;
  }

  void checkWritable(String name) {
    if (frozen) {
      throw new IllegalStateException("parameter " + name + ": the parameters are frozen (a serving model's)");
    }
  }

  public NDArray get(String name) {
    var a = params.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no parameter " + name);
    }
    return a;
  }

  public Map<String, NDArray> all() {
    return Collections.unmodifiableMap(params);
  }

  /** Biases are not L2-penalised (ReChorus puts them in a no-weight-decay group). */
  public static boolean decayed(String name) {
    return !name.endsWith(".bias") && !name.endsWith("Bias");
  }

  public long count() {
    return params.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  static double gaussian(SplittableRandom rng) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  @Override
  public void close() {
    params.values().forEach(NDArray::close);
    params.clear();
  }
}
