package org.lrdstream.model;

/**
 * Which way the LRD loss pushes the entropy of the relation distribution q (MODEL.md, eq. 8/14).
 * The paper maximises it (a more uniform q); the reference code adds +α·H to a minimised loss
 * (a more peaked q). Both are measured; the paper's form is the default. {@link #BALANCED} is this
 * project's addition.
 */
public enum EntropySign {
  /** Paper: loss −= α·H(q). */
  MAXIMISE,
  /** Reference code: loss += α·H(q). */
  MINIMISE,
  /**
   * Beyond the paper: loss += α·(mean_i H(q_i) − H(mean_i q_i)), i.e. maximise the mutual
   * information between pairs and relations — each pair's distribution peaked, the relations used
   * evenly over the batch. Both other forms have a degenerate optimum on real data (q uniform for
   * every pair, or one relation for every pair), which leaves the latent relations
   * indistinguishable; this one does not.
   */
  BALANCED
}
