package org.lrdstream.state.checkpoint;

import java.util.Arrays;

/**
 * A named tensor of a checkpoint: float32 values ({@code floats}) or int64 values ({@code longs}),
 * row-major with the given shape.
 */
public record Tensor(String name, long[] shape, float[] floats, long[] longs) {
  public Tensor {
    if ((floats == null) == (longs == null)) {
      throw new IllegalArgumentException("tensor " + name + " must hold floats or longs");
    }
    long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    long have = floats != null ? floats.length : longs.length;
    if (size != have) {
      throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape) + " but " + have + " values");
    }
  }

  public static Tensor of(String name, float[] values, long... shape) {
    return new Tensor(name, shape, values, null);
  }

  public static Tensor ofLongs(String name, long[] values, long... shape) {
    return new Tensor(name, shape, null, values);
  }

  public String dtype() {
    return floats != null ? "float32" : "int64";
  }

  public long size() {
    return floats != null ? floats.length : longs.length;
  }

  public long bytes() {
    return size() * (floats != null ? 4 : 8);
  }
}
