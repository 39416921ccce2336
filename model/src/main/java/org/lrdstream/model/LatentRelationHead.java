package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * LRD's relation classifier (the paper's eq. 1–4): for a pair (v_i, j),
 * {@code q = softmax(W2 [W1 T_vi + b1 ; W1 T_j + b1] + b2)} over the relations, where T are the
 * language model's item vectors (or ID embeddings for "w/o LLM"). With leave-one-latent, the
 * {@code sequence} relation is excluded from the distribution.
 */
public final class LatentRelationHead {
  private LatentRelationHead() {}

  /**
   * Log-probabilities of the relations for each (history item, target) pair.
   *
   * @param history B×n×p inputs of the history items
   * @param target B×p inputs of the targets
   * @return B×n×R log q
   */
  public static NDArray logDistribution(ParameterSet p, NDArray history, NDArray target, boolean leaveOutSequence) {
    var ex = history.getNDArrayInternal();
    var w1 = p.get("lrd.proj.weight");
    var b1 = p.get("lrd.proj.bias");
    var hi = ex.linear(history, w1, b1).singletonOrThrow(); // B,n,d
    var hj = target.getNDArrayInternal().linear(target, w1, b1).singletonOrThrow().expandDims(1)
        .broadcast(hi.getShape()); // B,n,d
    var pair = NDArrays.concat(new NDList(hi, hj), 2); // B,n,2d
    var logits = pair.getNDArrayInternal()
        .linear(pair, p.get("lrd.cls.weight"), p.get("lrd.cls.bias")).singletonOrThrow(); // B,n,R
    if (leaveOutSequence) {
      long r = logits.getShape().get(2);
      var block = new float[(int) r];
      block[0] = -1e9f;
      logits = logits.add(logits.getManager().create(block));
    }
    return logits.logSoftmax(2);
  }

  /** Entropy of each distribution given its log-probabilities (…×R → …). */
  public static NDArray entropy(NDArray logQ) {
    return logQ.exp().mul(logQ).sum(new int[] {-1}).neg();
  }
}
