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
  BALANCED,
  /**
   * The reference code's exact term: loss += α · the mean of −q_r log q_r over every (example,
   * history slot, relation) of the batch, padding slots included — the reference sign with α
   * spread over the R relations (α/R per pair's entropy, 0.0077 for α = 0.1 and R = 13).
   */
  REFERENCE
}
