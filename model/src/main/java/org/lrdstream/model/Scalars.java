package org.lrdstream.model;

import ai.djl.ndarray.NDArray;

/**
 * Multiplication by a constant that is safe inside a training graph.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div(Number)}) wraps the number in a tensor made
 * over a Java direct buffer ({@code from_blob}) and closes that wrapper as soon as the product is
 * computed. PyTorch's autograd keeps the scalar for the backward pass (the gradient of {@code x·c}
 * is {@code c·g}), but its memory belongs to the buffer, which the next garbage collection frees —
 * so a collection between forward and backward (from any thread: a Kafka client, the text encoder,
 * the scorer) left the backward pass reading freed memory, and every gradient behind the product
 * came out wrong or NaN while the loss itself was right. {@link #times} multiplies by a scalar whose
 * storage PyTorch owns, so the graph keeps it alive for as long as it needs it.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code x · c}, with {@code c} held in PyTorch-owned memory (registered in the current scope). */
  public static NDArray times(NDArray x, float c) {
    NDArray owned;
    try (var blob = x.getManager().create(c)) {
      owned = blob.duplicate();
    }
    return x.mul(owned);
  }

  /** {@code x / c}, as {@link #times} with {@code 1 / c}. */
  public static NDArray dividedBy(NDArray x, float c) {
    return times(x, 1f / c);
  }
}
