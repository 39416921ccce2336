package org.lrdstream.model;

/**
 * Which way the LRD loss pushes the entropy of the relation distribution q (MODEL.md, eq. 8/14).
 * The paper maximises it (a more uniform q); the reference code adds +α·H to a minimised loss
 * (a more peaked q). Both are measured; the paper's form is the default.
 */
public enum EntropySign {
  /** Paper: loss −= α·H(q). */
  MAXIMISE,
  /** Reference code: loss += α·H(q). */
  MINIMISE
}
